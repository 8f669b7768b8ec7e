"""Network resources of one account and region → `ResourceEvent`s.

VPCs, subnets, NAT gateways, Elastic IPs, network interfaces, load balancers v2 (application,
network, gateway) and classic ELBs. Load balancer tags need separate `DescribeTags` calls of at
most 20 load balancers each.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import boto3

from collectors.common.models import ResourceEvent
from collectors.common.normaliser import (
    Observation,
    normalise_address,
    normalise_classic_load_balancer,
    normalise_load_balancer_v2,
    normalise_nat_gateway,
    normalise_network_interface,
    normalise_subnet,
    normalise_vpc,
)
from collectors.common.retry import call_with_retry, paginate_items
from collectors.common.tag_resolver import TagResolver

COLLECTOR = "config_network"

# DescribeTags of both ELB APIs accepts at most 20 load balancers per call.
ELB_TAGS_BATCH = 20


def list_vpcs(ec2: Any) -> list[dict[str, Any]]:
    return paginate_items(ec2, "describe_vpcs", "Vpcs")


def list_subnets(ec2: Any) -> list[dict[str, Any]]:
    return paginate_items(ec2, "describe_subnets", "Subnets")


def list_nat_gateways(ec2: Any) -> list[dict[str, Any]]:
    return paginate_items(ec2, "describe_nat_gateways", "NatGateways")


def list_addresses(ec2: Any) -> list[dict[str, Any]]:
    """Elastic IPs: DescribeAddresses has no pagination (one answer per region)."""
    return call_with_retry(ec2.describe_addresses).get("Addresses", [])


def list_network_interfaces(ec2: Any) -> list[dict[str, Any]]:
    return paginate_items(ec2, "describe_network_interfaces", "NetworkInterfaces")


def list_load_balancers_v2(elbv2: Any) -> list[dict[str, Any]]:
    return paginate_items(elbv2, "describe_load_balancers", "LoadBalancers")


def list_classic_load_balancers(elb: Any) -> list[dict[str, Any]]:
    return paginate_items(elb, "describe_load_balancers", "LoadBalancerDescriptions")


def _batches(items: Sequence[str], size: int) -> list[list[str]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def load_balancer_v2_tags(elbv2: Any, arns: Sequence[str]) -> dict[str, list[dict[str, str]]]:
    tags: dict[str, list[dict[str, str]]] = {}
    for batch in _batches(arns, ELB_TAGS_BATCH):
        answer = call_with_retry(elbv2.describe_tags, ResourceArns=batch)
        for description in answer.get("TagDescriptions", []):
            tags[description["ResourceArn"]] = description.get("Tags", [])
    return tags


def classic_load_balancer_tags(elb: Any, names: Sequence[str]) -> dict[str, list[dict[str, str]]]:
    tags: dict[str, list[dict[str, str]]] = {}
    for batch in _batches(names, ELB_TAGS_BATCH):
        answer = call_with_retry(elb.describe_tags, LoadBalancerNames=batch)
        for description in answer.get("TagDescriptions", []):
            tags[description["LoadBalancerName"]] = description.get("Tags", [])
    return tags


def collect(
    session: boto3.Session,
    account_id: str,
    region: str,
    *,
    observed_at: datetime | None = None,
    run_id: str = "",
    resolver: TagResolver | None = None,
) -> list[ResourceEvent]:
    ec2 = session.client("ec2", region_name=region)
    elbv2 = session.client("elbv2", region_name=region)
    elb = session.client("elb", region_name=region)
    at = Observation.for_run(
        account_id, region, observed_at=observed_at, run_id=run_id, resolver=resolver
    )
    events = [normalise_vpc(v, at, source=COLLECTOR) for v in list_vpcs(ec2)]
    events += [normalise_subnet(s, at, source=COLLECTOR) for s in list_subnets(ec2)]
    events += [normalise_nat_gateway(n, at, source=COLLECTOR) for n in list_nat_gateways(ec2)]
    events += [normalise_address(a, at, source=COLLECTOR) for a in list_addresses(ec2)]
    events += [
        normalise_network_interface(e, at, source=COLLECTOR) for e in list_network_interfaces(ec2)
    ]

    v2 = list_load_balancers_v2(elbv2)
    v2_tags = load_balancer_v2_tags(elbv2, [lb["LoadBalancerArn"] for lb in v2])
    events += [
        normalise_load_balancer_v2(
            lb, at, tags=v2_tags.get(lb["LoadBalancerArn"]), source=COLLECTOR
        )
        for lb in v2
    ]
    classic = list_classic_load_balancers(elb)
    classic_tags = classic_load_balancer_tags(elb, [lb["LoadBalancerName"] for lb in classic])
    events += [
        normalise_classic_load_balancer(
            lb, at, tags=classic_tags.get(lb["LoadBalancerName"]), source=COLLECTOR
        )
        for lb in classic
    ]
    return events
