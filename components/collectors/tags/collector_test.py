from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from collectors.common import retry
from collectors.common.retry import ThrottlePolicy
from collectors.tags.collector import collect
from testing.moto_fleet import (
    UNICODE_KEY,
    RegionFleet,
    ThrottleInjector,
    account_session,
    build_fleet,
    moto_aws,
)

ACCOUNT, REGION = "111111111111", "us-east-1"
OBSERVED = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def fleet() -> Iterator[RegionFleet]:
    with moto_aws():
        yield build_fleet(accounts=(ACCOUNT,), regions=(REGION,))[(ACCOUNT, REGION)]


def test_every_tagged_resource_becomes_a_tagged_event(fleet: RegionFleet) -> None:
    events = collect(account_session(ACCOUNT, REGION), ACCOUNT, REGION, observed_at=OBSERVED)
    by_id = {e.resource_id: e for e in events}
    tagged_instances = set(fleet.instance_ids) - {fleet.instances["untagged"]}
    assert tagged_instances <= set(by_id)
    assert fleet.instances["untagged"] not in by_id  # the tagging API lists tagged resources
    assert {fleet.detached_tagged_volume_id, fleet.snapshot_id, fleet.nat_gateway_id,
            fleet.alb_arn} <= set(by_id)  # fmt: skip
    assert {e.event_type for e in events} == {"tagged"}
    assert {e.source for e in events} == {"tags"}
    assert {e.event_time for e in events} == {OBSERVED}
    worker = by_id[fleet.instances["globex_worker"]]
    assert (worker.resource_type, worker.marqo_customer) == ("ec2:instance", "globex")
    assert UNICODE_KEY in worker.tags
    alb = by_id[fleet.alb_arn]
    assert (alb.resource_type, alb.arn, alb.marqo_cluster) == (
        "elasticloadbalancing:loadbalancer", fleet.alb_arn, "search-prod",
    )  # fmt: skip
    assert by_id[fleet.snapshot_id].resource_type == "ec2:snapshot"


def test_throttled_pages_are_retried_and_nothing_is_lost(
    fleet: RegionFleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retry, "DEFAULT_POLICY", ThrottlePolicy(4, 0, 0))
    session = account_session(ACCOUNT, REGION)
    expected = sorted(e.resource_id for e in collect(session, ACCOUNT, REGION))
    throttle = ThrottleInjector(times=2, code="ThrottlingException").attach(
        session.events, "resourcegroupstaggingapi", "GetResources"
    )
    assert sorted(e.resource_id for e in collect(session, ACCOUNT, REGION)) == expected
    assert throttle.failed == 2
