from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from collectors.common import retry
from collectors.common.models import OPEN_VALID_TO, ResourceRelationship
from collectors.common.retry import ThrottlePolicy
from collectors.relationships.collector import collect, reconcile
from testing.moto_fleet import (
    RegionFleet,
    ThrottleInjector,
    account_session,
    build_fleet,
    moto_aws,
)

ACCOUNT, REGION = "111111111111", "eu-west-1"
T1 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
T2 = T1 + timedelta(hours=1)


@pytest.fixture(scope="module")
def fleet() -> Iterator[RegionFleet]:
    with moto_aws():
        yield build_fleet(accounts=(ACCOUNT,), regions=(REGION,))[(ACCOUNT, REGION)]


def triples(edges: list[ResourceRelationship]) -> set[tuple[str, str, str]]:
    return {(e.source_id, e.relationship_type, e.target_id) for e in edges}


def test_observed_edges(fleet: RegionFleet) -> None:
    edges = collect(account_session(ACCOUNT, REGION), ACCOUNT, REGION, observed_at=T1)
    found = triples(edges)
    i = fleet.instances
    expected = {
        (fleet.data_volume_id, "attached_to", i["globex_worker"]),
        (fleet.nat_eni_id, "attached_to", fleet.nat_gateway_id),
        (fleet.nat_allocation_id, "associated_with", fleet.nat_eni_id),
        (fleet.instance_allocation_id, "associated_with", i["untagged"]),
        (i["acme_api_1"], "in_subnet", fleet.subnet_ids[0]),
        (i["acme_api_2"], "in_subnet", fleet.subnet_ids[1]),
        (fleet.nat_gateway_id, "in_subnet", fleet.subnet_ids[0]),
        (fleet.subnet_ids[0], "in_vpc", fleet.vpc_id),
        (fleet.subnet_ids[1], "in_vpc", fleet.vpc_id),
        (fleet.alb_arn, "in_vpc", fleet.vpc_id),
        (i["acme_api_1"], "behind_load_balancer", fleet.alb_arn),
        (i["acme_api_2"], "behind_load_balancer", fleet.alb_arn),
        (i["globex_worker"], "behind_load_balancer", fleet.classic_elb_arn),
    }
    assert expected <= found
    for instance_id, volume_id in fleet.root_volumes.items():
        assert (volume_id, "attached_to", instance_id) in found
    eni_to_instance = {t for (s, k, t) in found if k == "attached_to" and s.startswith("eni-")}
    assert set(fleet.instance_ids) | {fleet.nat_gateway_id} == eni_to_instance
    detached = {fleet.detached_tagged_volume_id, fleet.detached_untagged_volume_id}
    assert not any(s in detached for (s, _, _) in found)
    assert not any(s == fleet.free_allocation_id for (s, _, _) in found)
    assert len(found) == len(edges)  # no duplicate edges
    by_triple = {(e.source_id, e.relationship_type, e.target_id): e for e in edges}
    sample = by_triple[(fleet.data_volume_id, "attached_to", i["globex_worker"])]
    assert (sample.source_type, sample.target_type) == ("ec2:volume", "ec2:instance")
    assert (sample.valid_from, sample.valid_to) == (T1, OPEN_VALID_TO)


def test_throttled_target_health_is_retried(
    fleet: RegionFleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retry, "DEFAULT_POLICY", ThrottlePolicy(4, 0, 0))
    session = account_session(ACCOUNT, REGION)
    throttle = ThrottleInjector(times=1).attach(session.events, "elbv2", "DescribeTargetHealth")
    edges = collect(session, ACCOUNT, REGION, observed_at=T1)
    assert throttle.failed == 1
    behind = {e.source_id for e in edges if e.target_id == fleet.alb_arn and
              e.relationship_type == "behind_load_balancer"}  # fmt: skip
    assert behind == {fleet.instances["acme_api_1"], fleet.instances["acme_api_2"]}


def test_ip_and_lambda_targets_link_their_load_balancers(fleet: RegionFleet) -> None:
    session = account_session(ACCOUNT, REGION)
    elbv2 = session.client("elbv2", region_name=REGION)
    ec2 = session.client("ec2", region_name=REGION)
    eni = ec2.describe_network_interfaces(NetworkInterfaceIds=[fleet.nat_eni_id])
    eni_ip = eni["NetworkInterfaces"][0]["PrivateIpAddress"]
    on_premises_ip = "192.168.50.7"
    function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:resize-images"

    def load_balancer_forwarding_to(name: str, kind: str, targets: list[dict[str, str]]) -> str:
        lb = elbv2.create_load_balancer(Name=name, Subnets=fleet.subnet_ids[:2])
        lb_arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
        extra = {} if kind == "lambda" else {"Protocol": "HTTP", "Port": 80, "VpcId": fleet.vpc_id}
        group = elbv2.create_target_group(Name=f"{name}-tg", TargetType=kind, **extra)
        group_arn = group["TargetGroups"][0]["TargetGroupArn"]
        elbv2.register_targets(TargetGroupArn=group_arn, Targets=targets)
        elbv2.create_listener(
            LoadBalancerArn=lb_arn,
            Protocol="HTTP",
            Port=80,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": group_arn}],
        )
        return lb_arn

    ip_lb = load_balancer_forwarding_to(
        "ip-targets", "ip", [{"Id": eni_ip}, {"Id": on_premises_ip, "AvailabilityZone": "all"}]
    )
    lambda_lb = load_balancer_forwarding_to("lambda-targets", "lambda", [{"Id": function_arn}])

    edges = collect(session, ACCOUNT, REGION, observed_at=T1)
    behind = {
        (e.source_id, e.source_type, e.target_id)
        for e in edges
        if e.relationship_type == "behind_load_balancer" and e.target_id in (ip_lb, lambda_lb)
    }
    # The address of one of the account's interfaces links that interface; an address outside
    # the account links the address itself; a Lambda target its function. Neither load
    # balancer is then without targets (attribution/idle.py).
    assert behind == {
        (fleet.nat_eni_id, "ec2:network-interface", ip_lb),
        (on_premises_ip, "elasticloadbalancing:ip-target", ip_lb),
        (function_arn, "lambda:function", lambda_lb),
    }


def edge(
    source: str, target: str, start: datetime, end: datetime = OPEN_VALID_TO
) -> ResourceRelationship:
    return ResourceRelationship(
        account_id=ACCOUNT,
        region=REGION,
        relationship_type="attached_to",
        source_id=source,
        source_type="ec2:volume",
        target_id=target,
        target_type="ec2:instance",
        valid_from=start,
        valid_to=end,
        ingested_at=start,
    )


def test_reconcile_opens_new_edges_keeps_seen_ones_and_closes_vanished_ones() -> None:
    first = reconcile([edge("vol-1", "i-1", T1), edge("vol-2", "i-1", T1)], [], T1)
    assert triples(first) == {("vol-1", "attached_to", "i-1"), ("vol-2", "attached_to", "i-1")}

    # An hour later vol-2 moved to i-2 and vol-1 is unchanged.
    observed = [edge("vol-1", "i-1", T2), edge("vol-2", "i-2", T2)]
    rows = reconcile(observed, first, T2, ingested_at=T2)
    by = {(r.source_id, r.target_id): r for r in rows}
    assert set(by) == {("vol-2", "i-2"), ("vol-2", "i-1")}  # vol-1 -> i-1: nothing to write
    assert (by[("vol-2", "i-2")].valid_from, by[("vol-2", "i-2")].valid_to) == (T2, OPEN_VALID_TO)
    closed = by[("vol-2", "i-1")]
    assert (closed.valid_from, closed.valid_to, closed.ingested_at) == (T1, T2, T2)


def test_reconcile_is_idempotent_for_the_same_moment() -> None:
    observed = [edge("vol-1", "i-1", T1)]
    written = reconcile(observed, [], T1)
    assert reconcile(observed, written, T1) == []
    # Not seeing an edge again at the moment it was first seen cannot close it (empty interval).
    assert reconcile([], written, T1) == []


def test_reconcile_leaves_edges_of_later_moments_alone() -> None:
    later = [edge("vol-1", "i-1", T2)]
    assert reconcile([], later, T1) == []
    assert triples(reconcile([edge("vol-1", "i-1", T1)], later, T1)) == {
        ("vol-1", "attached_to", "i-1")
    }
