from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from collectors.common import retry
from collectors.common.retry import ThrottlePolicy
from collectors.common.tag_resolver import TagResolver
from collectors.config_ec2.collector import collect
from testing.moto_fleet import (
    LONG_VALUE,
    UNICODE_KEY,
    UNICODE_VALUE,
    RegionFleet,
    ThrottleInjector,
    account_session,
    build_fleet,
    moto_aws,
)

ACCOUNT, OTHER, REGION = "111111111111", "222222222222", "eu-west-1"
OBSERVED = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def fleet() -> Iterator[RegionFleet]:
    with moto_aws():
        yield build_fleet(accounts=(ACCOUNT, OTHER), regions=(REGION,))[(ACCOUNT, REGION)]


def test_collects_every_instance_with_owner_and_facts(fleet: RegionFleet) -> None:
    events = collect(account_session(ACCOUNT, REGION), ACCOUNT, REGION, observed_at=OBSERVED,
                     run_id="run-7")  # fmt: skip
    by_id = {e.resource_id: e for e in events}
    assert set(by_id) == set(fleet.instance_ids)  # the other account's instances are not here
    api_1 = by_id[fleet.instances["acme_api_1"]]
    api_2 = by_id[fleet.instances["acme_api_2"]]
    worker = by_id[fleet.instances["globex_worker"]]
    untagged = by_id[fleet.instances["untagged"]]
    stopped = by_id[fleet.instances["initech_stopped"]]
    assert (api_1.marqo_customer, api_1.marqo_cluster, api_1.marqo_role, api_1.marqo_environment,
            api_1.owner_rule) == ("acme", "search-prod", "api", "prod", "tag:Customer")  # fmt: skip
    assert (api_2.marqo_customer, api_2.owner_rule) == ("acme", "tag:marqo_customer")
    assert (worker.marqo_customer, worker.owner_rule) == ("globex", "tag:customer-id")
    assert worker.tags[UNICODE_KEY] == UNICODE_VALUE
    assert worker.tags["Description"] == LONG_VALUE
    assert (untagged.tags, untagged.owner_rule) == ({}, "unattributed")
    assert stopped.state == "stopped" and api_1.state == "running"
    assert api_1.attributes["instance_type"] == "m5.large"
    assert api_1.attributes["subnet_id"] == fleet.subnet_ids[0]
    assert api_1.attributes["volume_ids"] == fleet.root_volumes[api_1.resource_id]
    assert api_1.arn == f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{api_1.resource_id}"
    assert {(e.event_time, e.event_type, e.source, e.collector_run_id) for e in events} == {
        (OBSERVED, "observed", "config_ec2", "run-7")
    }


def test_configured_aliases_are_used(fleet: RegionFleet) -> None:
    resolver = TagResolver({"customer": ["Role"]})
    events = collect(account_session(ACCOUNT, REGION), ACCOUNT, REGION, resolver=resolver)
    worker = next(e for e in events if e.resource_id == fleet.instances["globex_worker"])
    assert (worker.marqo_customer, worker.owner_rule) == ("worker", "tag:role")


def test_throttled_listing_is_retried_and_loses_nothing(
    fleet: RegionFleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retry, "DEFAULT_POLICY", ThrottlePolicy(4, 0, 0))
    session = account_session(ACCOUNT, REGION)
    throttle = ThrottleInjector(times=2, code="RequestLimitExceeded").attach(
        session.events, "ec2", "DescribeInstances"
    )
    events = collect(session, ACCOUNT, REGION)
    assert throttle.failed == 2
    assert sorted(e.resource_id for e in events) == sorted(fleet.instance_ids)
