from __future__ import annotations

from collections.abc import Iterator

import pytest

from collectors.common import retry
from collectors.common.models import ResourceEvent
from collectors.common.retry import ThrottlePolicy
from collectors.config_network.collector import ELB_TAGS_BATCH, collect
from testing.moto_fleet import (
    RegionFleet,
    ThrottleInjector,
    account_session,
    build_fleet,
    moto_aws,
)

ACCOUNT, REGION = "222222222222", "eu-west-1"
LB = "elasticloadbalancing:loadbalancer"


@pytest.fixture(scope="module")
def fleet() -> Iterator[RegionFleet]:
    with moto_aws():
        yield build_fleet(accounts=(ACCOUNT,), regions=(REGION,))[(ACCOUNT, REGION)]


def by_type(events: list[ResourceEvent]) -> dict[str, dict[str, ResourceEvent]]:
    grouped: dict[str, dict[str, ResourceEvent]] = {}
    for e in events:
        grouped.setdefault(e.resource_type, {})[e.resource_id] = e
    return grouped


def test_network_resources(fleet: RegionFleet) -> None:
    events = by_type(collect(account_session(ACCOUNT, REGION), ACCOUNT, REGION))
    assert fleet.vpc_id in events["ec2:vpc"]
    assert events["ec2:vpc"][fleet.vpc_id].tags == {"Name": "polo-main"}
    assert set(fleet.subnet_ids) <= set(events["ec2:subnet"])

    nat = events["ec2:natgateway"][fleet.nat_gateway_id]
    assert (nat.state, nat.marqo_customer, nat.marqo_role) == ("available", "acme", "nat")
    assert nat.attributes["network_interface_ids"] == fleet.nat_eni_id

    eips = events["ec2:elastic-ip"]
    assert set(eips) == {fleet.nat_allocation_id, fleet.instance_allocation_id,
                         fleet.free_allocation_id}  # fmt: skip
    assert eips[fleet.instance_allocation_id].state == "associated"
    assert (
        eips[fleet.instance_allocation_id].attributes["instance_id"] == fleet.instances["untagged"]
    )
    free = eips[fleet.free_allocation_id]
    assert (free.state, free.marqo_customer) == ("unassociated", "globex")

    enis = events["ec2:network-interface"]
    assert fleet.nat_eni_id in enis
    attached = [e for e in enis.values() if e.attributes.get("attached_instance_id")]
    assert {e.attributes["attached_instance_id"] for e in attached} == set(fleet.instance_ids)

    lbs = events[LB]
    alb, classic = lbs[fleet.alb_arn], lbs[fleet.classic_elb_arn]
    assert (alb.attributes["type"], alb.marqo_customer, alb.marqo_cluster, alb.owner_rule) == (
        "application", "acme", "search-prod", "tag:Customer",
    )  # fmt: skip
    assert alb.attributes["subnet_ids"] == ",".join(sorted(fleet.subnet_ids))
    assert (classic.attributes["type"], classic.owner_rule) == ("classic", "unattributed")
    assert classic.attributes["instance_ids"] == fleet.instances["globex_worker"]


def test_load_balancer_tags_are_fetched_in_batches(fleet: RegionFleet) -> None:
    session = account_session(ACCOUNT, REGION)
    elb = session.client("elb", region_name=REGION)
    names = [f"extra-{i:02d}" for i in range(ELB_TAGS_BATCH + 2)]
    for name in names:
        elb.create_load_balancer(
            LoadBalancerName=name,
            Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}],
            AvailabilityZones=[f"{REGION}a"],
            Tags=[{"Key": "Customer", "Value": name}],
        )
    calls = ThrottleInjector(times=0).attach(session.events, "elb", "DescribeTags")
    try:
        lbs = by_type(collect(session, ACCOUNT, REGION))[LB]
    finally:
        for name in names:
            elb.delete_load_balancer(LoadBalancerName=name)
    assert len(calls.calls) == 2  # 23 classic load balancers: 20 + 3
    for name in names:
        arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/{name}"
        assert lbs[arn].marqo_customer == name


def test_throttled_tag_lookup_is_retried(
    fleet: RegionFleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retry, "DEFAULT_POLICY", ThrottlePolicy(4, 0, 0))
    session = account_session(ACCOUNT, REGION)
    throttle = ThrottleInjector(times=2).attach(session.events, "elbv2", "DescribeTags")
    lbs = by_type(collect(session, ACCOUNT, REGION))[LB]
    assert throttle.failed == 2
    assert throttle.calls[-1]["ResourceArns"] == [fleet.alb_arn]
    assert lbs[fleet.alb_arn].marqo_customer == "acme"
