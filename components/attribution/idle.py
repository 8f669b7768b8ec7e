"""Idle cost: resources that cost money while doing nothing (docs/attribution.md, "Idle").

A flag, not an owner: an idle resource stays charged to whoever owns it, so the owner sees its
own waste. Rules, evaluated per day on the resources alive that day and the edges that held at
any moment of the day:

- `unattached_volume`: an EBS volume in state `available` with no `attached_to` edge;
- `unassociated_eip`: an Elastic IP in state `unassociated` with no `associated_with` edge;
- `idle_nat_gateway`: an `available` NAT gateway whose VPC has no running instance, so nothing
  can send traffic through it;
- `load_balancer_without_targets`: a load balancer with no `behind_load_balancer` edge: no
  registered target of any kind (instance, IP — its network interface or the address — or
  Lambda function; collectors/relationships).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

VOLUME = "ec2:volume"
ELASTIC_IP = "ec2:elastic-ip"
NAT_GATEWAY = "ec2:natgateway"
INSTANCE = "ec2:instance"
LOAD_BALANCER = "elasticloadbalancing:loadbalancer"

UNATTACHED_VOLUME = "unattached_volume"
UNASSOCIATED_EIP = "unassociated_eip"
IDLE_NAT_GATEWAY = "idle_nat_gateway"
LOAD_BALANCER_WITHOUT_TARGETS = "load_balancer_without_targets"


@dataclass(frozen=True)
class IdleInput:
    """What the idle rules need to know about one resource on one day."""

    resource_id: str
    resource_type: str
    state: str
    vpc_id: str


def idle_reasons(
    resources: Iterable[IdleInput], edges: Iterable[tuple[str, str, str]]
) -> Mapping[str, str]:
    """resource_id → idle reason for the idle ones; `edges` are (type, source_id, target_id)."""
    resources = list(resources)
    has_parent: set[tuple[str, str]] = set()
    has_target: set[str] = set()
    for kind, source_id, target_id in edges:
        has_parent.add((kind, source_id))
        if kind == "behind_load_balancer":
            has_target.add(target_id)
    busy_vpcs = {
        r.vpc_id for r in resources if r.resource_type == INSTANCE and r.state == "running"
    }
    reasons: dict[str, str] = {}
    for r in resources:
        if (
            r.resource_type == VOLUME
            and r.state == "available"
            and ("attached_to", r.resource_id) not in has_parent
        ):
            reasons[r.resource_id] = UNATTACHED_VOLUME
        elif (
            r.resource_type == ELASTIC_IP
            and r.state == "unassociated"
            and ("associated_with", r.resource_id) not in has_parent
        ):
            reasons[r.resource_id] = UNASSOCIATED_EIP
        elif (
            r.resource_type == NAT_GATEWAY
            and r.state == "available"
            and (r.vpc_id not in busy_vpcs)
        ):
            reasons[r.resource_id] = IDLE_NAT_GATEWAY
        elif (
            r.resource_type == LOAD_BALANCER
            and r.state in ("active", "active_impaired")
            and r.resource_id not in has_target
        ):
            reasons[r.resource_id] = LOAD_BALANCER_WITHOUT_TARGETS
    return reasons
