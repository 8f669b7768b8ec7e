"""CloudTrail record → `LifecycleEvent`s, shared by the LookupEvents collector and the real-time
EventBridge handler (both see the same CloudTrail record JSON).

One record becomes one event per resource it touched (`RunInstances` of three instances gives
three rows; `CreateTags` on a volume and an instance gives two). Records of calls that failed
(`errorCode` set, dry runs included) changed nothing and map to no event; so do API calls that
are not in `RULES`. A record of a mapped call that lacks what a row needs raises
`CloudTrailRecordError`, naming the event.

Resource ids follow the inventory's convention (`collectors.common.arn.resource_id_from_arn`):
EC2 resources by their short id (`i-…`, `vol-…`), load balancers and target groups by ARN.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from collectors.common.arn import ArnError, load_balancer_arn, parse_arn, resource_id_from_arn
from collectors.lifecycle.events import Action, LifecycleEvent

EC2 = "ec2.amazonaws.com"
ELB = "elasticloadbalancing.amazonaws.com"

# Short EC2 id prefix → Polo resource type (types outside this list are not cost-bearing
# resources Polo models, e.g. security groups and AMIs, and are skipped).
EC2_ID_PREFIXES: Mapping[str, str] = {
    "i": "ec2:instance",
    "vol": "ec2:volume",
    "snap": "ec2:snapshot",
    "nat": "ec2:natgateway",
    "eipalloc": "ec2:elastic-ip",
    "eni": "ec2:network-interface",
    "vpc": "ec2:vpc",
    "subnet": "ec2:subnet",
}


class CloudTrailRecordError(ValueError):
    """A CloudTrail record of a mapped call that cannot become a row."""


@dataclass(frozen=True)
class Rule:
    action: Action
    kind: str
    """How the ids found become (resource_type, resource_id): a fixed Polo type (`ec2:volume`);
    `ec2-id`, typed by its prefix; `elb`, a load balancer / target group ARN or a classic load
    balancer name; `target`, a target group target (instance id, IP address or Lambda ARN)."""
    paths: tuple[tuple[str, str], ...]
    """(`requestParameters` | `responseElements`, dotted path; `name[]` iterates a list);
    the first path that yields ids wins."""


def _req(*paths: str) -> tuple[tuple[str, str], ...]:
    return tuple(("requestParameters", p) for p in paths)


def _resp(*paths: str) -> tuple[tuple[str, str], ...]:
    return tuple(("responseElements", p) for p in paths)


_INSTANCES = _req("instancesSet.items[].instanceId")

RULES: Mapping[tuple[str, str], Rule] = {
    # instances
    (EC2, "RunInstances"): Rule("create", "ec2:instance", _resp("instancesSet.items[].instanceId")),
    (EC2, "TerminateInstances"): Rule("terminate", "ec2:instance", _INSTANCES),
    (EC2, "StopInstances"): Rule("modify", "ec2:instance", _INSTANCES),
    (EC2, "StartInstances"): Rule("modify", "ec2:instance", _INSTANCES),
    (EC2, "ModifyInstanceAttribute"): Rule("modify", "ec2:instance", _req("instanceId")),
    # volumes and snapshots
    (EC2, "CreateVolume"): Rule("create", "ec2:volume", _resp("volumeId")),
    (EC2, "DeleteVolume"): Rule("terminate", "ec2:volume", _req("volumeId")),
    (EC2, "ModifyVolume"): Rule(
        "modify", "ec2:volume", _req("ModifyVolumeRequest.VolumeId", "volumeId")
    ),
    (EC2, "AttachVolume"): Rule("attach", "ec2:volume", _req("volumeId")),
    (EC2, "DetachVolume"): Rule("detach", "ec2:volume", _req("volumeId")),
    (EC2, "CreateSnapshot"): Rule("create", "ec2:snapshot", _resp("snapshotId")),
    (EC2, "DeleteSnapshot"): Rule("terminate", "ec2:snapshot", _req("snapshotId")),
    # NAT gateways
    (EC2, "CreateNatGateway"): Rule(
        "create",
        "ec2:natgateway",
        _resp("CreateNatGatewayResponse.natGateway.natGatewayId", "natGateway.natGatewayId"),
    ),
    (EC2, "DeleteNatGateway"): Rule(
        "terminate",
        "ec2:natgateway",
        _req("DeleteNatGatewayRequest.NatGatewayId", "natGatewayId"),
    ),
    # Elastic IPs: CloudTrail names the address by allocation id when the caller did; a
    # disassociation may carry only the association id (`eipassoc-…`).
    (EC2, "AllocateAddress"): Rule("create", "ec2:elastic-ip", _resp("allocationId")),
    (EC2, "ReleaseAddress"): Rule("terminate", "ec2:elastic-ip", _req("allocationId", "publicIp")),
    (EC2, "AssociateAddress"): Rule("attach", "ec2:elastic-ip", _req("allocationId", "publicIp")),
    (EC2, "DisassociateAddress"): Rule(
        "detach", "ec2:elastic-ip", _req("allocationId", "publicIp", "associationId")
    ),
    # network interfaces
    (EC2, "CreateNetworkInterface"): Rule(
        "create", "ec2:network-interface", _resp("networkInterface.networkInterfaceId")
    ),
    (EC2, "DeleteNetworkInterface"): Rule(
        "terminate", "ec2:network-interface", _req("networkInterfaceId")
    ),
    (EC2, "AttachNetworkInterface"): Rule(
        "attach", "ec2:network-interface", _req("networkInterfaceId")
    ),
    # tags on any EC2 resource
    (EC2, "CreateTags"): Rule("tag", "ec2-id", _req("resourcesSet.items[].resourceId")),
    (EC2, "DeleteTags"): Rule("untag", "ec2-id", _req("resourcesSet.items[].resourceId")),
    # load balancers (v2 by ARN, classic by name) and their targets
    (ELB, "CreateLoadBalancer"): Rule(
        "create", "elb", _resp("loadBalancers[].loadBalancerArn") + _req("loadBalancerName")
    ),
    (ELB, "DeleteLoadBalancer"): Rule(
        "terminate", "elb", _req("loadBalancerArn", "loadBalancerName")
    ),
    (ELB, "ModifyLoadBalancerAttributes"): Rule(
        "modify", "elb", _req("loadBalancerArn", "loadBalancerName")
    ),
    (ELB, "RegisterTargets"): Rule("attach", "target", _req("targets[].id")),
    (ELB, "DeregisterTargets"): Rule("detach", "target", _req("targets[].id")),
    (ELB, "RegisterInstancesWithLoadBalancer"): Rule(
        "attach", "ec2:instance", _req("instances[].instanceId")
    ),
    (ELB, "DeregisterInstancesFromLoadBalancer"): Rule(
        "detach", "ec2:instance", _req("instances[].instanceId")
    ),
    (ELB, "AddTags"): Rule("tag", "elb", _req("resourceArns[]", "loadBalancerNames[]")),
    (ELB, "RemoveTags"): Rule("untag", "elb", _req("resourceArns[]", "loadBalancerNames[]")),
}

# The event names above, for EventBridge rule patterns and LookupEvents filtering.
EVENT_NAMES: dict[str, tuple[str, ...]] = {
    source: tuple(sorted(name for s, name in RULES if s == source)) for source in (EC2, ELB)
}


def _dig(node: Any, path: Sequence[str]) -> Iterator[str]:
    if not path:
        if isinstance(node, str) and node:
            yield node
        return
    head, rest = path[0], path[1:]
    iterate = head.endswith("[]")
    key = head[:-2] if iterate else head
    child = node.get(key) if isinstance(node, Mapping) else None
    if iterate:
        for item in child if isinstance(child, list) else []:
            yield from _dig(item, rest)
    else:
        yield from _dig(child, rest)


def _ids(record: Mapping[str, Any], rule: Rule) -> list[str]:
    for section, path in rule.paths:
        found = list(dict.fromkeys(_dig(record.get(section), path.split("."))))
        if found:
            return found
    return []


def _typed(kind: str, value: str, *, region: str, account: str) -> tuple[str, str] | None:
    """(resource_type, resource_id) for one value, or None for a resource Polo does not model."""
    if kind == "ec2-id":
        resource_type = EC2_ID_PREFIXES.get(value.split("-", 1)[0])
        return (resource_type, value) if resource_type else None
    if kind in ("elb", "target") and value.startswith("arn:"):
        arn = parse_arn(value)
        return arn.polo_resource_type, resource_id_from_arn(arn)
    if kind == "elb":
        return "elasticloadbalancing:loadbalancer", load_balancer_arn(region, account, value)
    if kind == "target":
        if value.startswith("i-"):
            return "ec2:instance", value
        return "elasticloadbalancing:ip-target", value
    return kind, value


def _actor(identity: Mapping[str, Any]) -> tuple[str, str]:
    """(actor_arn, actor_type). An AWS service acting on its own has no ARN: its name is kept."""
    actor_type = str(identity.get("type") or "")
    arn = identity.get("arn") or identity.get("invokedBy") or identity.get("principalId") or ""
    return str(arn), actor_type


def _event_time(raw: object, event_id: str) -> datetime:
    if not isinstance(raw, str):
        raise CloudTrailRecordError(f"event {event_id}: eventTime missing")
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise CloudTrailRecordError(f"event {event_id}: bad eventTime {raw!r}") from exc
    if moment.tzinfo is None:
        raise CloudTrailRecordError(f"event {event_id}: eventTime {raw!r} has no timezone")
    return moment


def rule_for(record: Mapping[str, Any]) -> Rule | None:
    """The rule of a record's call, or None when the call is not a lifecycle change."""
    return RULES.get((str(record.get("eventSource", "")), str(record.get("eventName", ""))))


def map_record(
    record: Mapping[str, Any], *, ingested_at: datetime, default_account: str | None = None
) -> list[LifecycleEvent]:
    """The lifecycle events of one CloudTrail record (see the module docstring)."""
    rule = rule_for(record)
    if rule is None or record.get("errorCode"):
        return []
    event_id = str(record.get("eventID") or "")
    if not event_id:
        raise CloudTrailRecordError(f"{record.get('eventName')} record without eventID")
    identity = record.get("userIdentity") or {}
    account = str(
        record.get("recipientAccountId") or identity.get("accountId") or default_account or ""
    )
    region = str(record.get("awsRegion") or "")
    event_time = _event_time(record.get("eventTime"), event_id)
    values = _ids(record, rule)
    if not values:
        raise CloudTrailRecordError(
            f"event {event_id} ({record.get('eventName')}): no resource id at "
            f"{', '.join(f'{s}.{p}' for s, p in rule.paths)}"
        )
    actor_arn, actor_type = _actor(identity)
    events = []
    for value in values:
        try:
            typed = _typed(rule.kind, value, region=region, account=account)
            if typed is None:
                continue
            events.append(
                LifecycleEvent(
                    event_id=event_id,
                    event_time=event_time,
                    ingested_at=ingested_at,
                    account_id=account,
                    region=region,
                    event_source=str(record["eventSource"]),
                    event_name=str(record["eventName"]),
                    action=rule.action,
                    resource_type=typed[0],
                    resource_id=typed[1],
                    actor_arn=actor_arn,
                    actor_type=actor_type,
                    source_ip=str(record.get("sourceIPAddress") or ""),
                    user_agent=str(record.get("userAgent") or ""),
                    request_id=str(record.get("requestID") or ""),
                )
            )
        except (ArnError, ValidationError) as exc:
            raise CloudTrailRecordError(f"event {event_id}: {exc}") from exc
    return events
