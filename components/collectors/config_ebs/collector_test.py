from __future__ import annotations

from collections.abc import Iterator

import pytest

from collectors.common import retry
from collectors.common.retry import ThrottlePolicy
from collectors.config_ebs.collector import collect
from testing.moto_fleet import (
    RegionFleet,
    ThrottleInjector,
    account_session,
    build_fleet,
    moto_aws,
)

ACCOUNT, OTHER, REGION = "111111111111", "222222222222", "us-east-1"


@pytest.fixture(scope="module")
def fleet() -> Iterator[RegionFleet]:
    with moto_aws():
        yield build_fleet(accounts=(ACCOUNT, OTHER), regions=(REGION,))[(ACCOUNT, REGION)]


def test_volumes_attached_and_detached_and_own_snapshots(fleet: RegionFleet) -> None:
    events = collect(account_session(ACCOUNT, REGION), ACCOUNT, REGION)
    volumes = {e.resource_id: e for e in events if e.resource_type == "ec2:volume"}
    snapshots = {e.resource_id: e for e in events if e.resource_type == "ec2:snapshot"}
    assert set(volumes) == set(fleet.volume_ids)
    assert set(snapshots) == {fleet.snapshot_id}  # only this account's, none of the other's
    data = volumes[fleet.data_volume_id]
    assert data.state == "in-use"
    assert data.attributes["attached_instance_ids"] == fleet.instances["globex_worker"]
    assert (data.attributes["size_gib"], data.attributes["volume_type"]) == ("200", "gp3")
    assert data.owner_rule == "unattributed"  # untagged: owner comes from the instance later
    tagged = volumes[fleet.detached_tagged_volume_id]
    assert (tagged.state, tagged.marqo_customer, tagged.marqo_role) == (
        "available",
        "acme",
        "backup",
    )
    assert "attached_instance_ids" not in tagged.attributes
    assert volumes[fleet.detached_untagged_volume_id].tags == {}
    snapshot = snapshots[fleet.snapshot_id]
    assert snapshot.attributes["volume_id"] == fleet.detached_tagged_volume_id
    assert snapshot.marqo_customer == "acme"
    assert snapshot.arn == f"arn:aws:ec2:{REGION}:{ACCOUNT}:snapshot/{fleet.snapshot_id}"
    assert {e.source for e in events} == {"config_ebs"}


def test_throttled_snapshot_listing_is_retried(
    fleet: RegionFleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retry, "DEFAULT_POLICY", ThrottlePolicy(4, 0, 0))
    session = account_session(ACCOUNT, REGION)
    throttle = ThrottleInjector(times=1).attach(session.events, "ec2", "DescribeSnapshots")
    events = collect(session, ACCOUNT, REGION)
    assert throttle.failed == 1
    assert throttle.calls[-1]["OwnerIds"] == [ACCOUNT]  # the owner filter survives the retry
    assert sum(e.resource_type == "ec2:snapshot" for e in events) == 1
    assert sum(e.resource_type == "ec2:volume" for e in events) == len(fleet.volume_ids)
