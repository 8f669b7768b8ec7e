"""What the inventory collectors would have written about the demo organisation: every
observation a raw boto3-shaped dict run through `collectors.common.normaliser` (and so the tag
resolver), the relationship edges, and one run of every collector per account and region (the
freshness query reads them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from attribution.demo_organisation import (
    ACCOUNTS,
    CLUSTER_KEYS,
    CUSTOMER_KEYS,
    ROLE_KEYS,
    Organisation,
    Owner,
    Resource,
)
from collectors.common import normaliser
from collectors.common.models import (
    OPEN_VALID_TO,
    CollectorRun,
    ResourceEvent,
    ResourceRelationship,
)
from collectors.common.tag_resolver import TagResolver


def _tags(resource: Resource, owner: Owner | None) -> list[dict[str, str]]:
    if owner is None:
        return [{"Key": "Name", "Value": resource.id}]
    style = resource.tag_style
    tags = [
        {"Key": CUSTOMER_KEYS[style], "Value": owner.customer},
        {"Key": CLUSTER_KEYS[style], "Value": owner.cluster},
        {"Key": ROLE_KEYS[style % 2], "Value": owner.role},
        {"Key": "Environment", "Value": "prod"},
    ]
    return tags


def _state(resource: Resource, day: int) -> str:
    ending = day == resource.end - 1 and resource.end <= 10**5
    if resource.kind == "instance":
        if ending:
            return "terminated"
        return "stopped" if day in resource.stopped else "running"
    if resource.kind == "volume":
        return "in-use" if resource.parent else "available"
    if resource.kind == "eip":
        return "associated" if resource.parent else "unassociated"
    if resource.kind == "eni":
        return "in-use"
    if resource.kind == "snapshot":
        return "completed"
    return "available" if resource.kind in ("nat", "vpc", "subnet") else "active"


def _raw(resource: Resource, day: int, org: Organisation) -> dict[str, Any]:
    owner = resource.owner_on(day)
    state = _state(resource, day)
    az = f"{resource.region}a"
    if resource.kind == "instance":
        volumes = org.volumes_of.get(resource.id, [])
        return {
            "InstanceId": resource.id,
            "InstanceType": resource.instance_type,
            "Placement": {"AvailabilityZone": az},
            "VpcId": resource.vpc,
            "SubnetId": resource.subnet,
            "State": {"Name": state},
            "BlockDeviceMappings": [{"Ebs": {"VolumeId": v}} for v in volumes],
            "Tags": _tags(resource, owner),
        }
    if resource.kind == "volume":
        attachments = (
            [{"InstanceId": resource.parent, "State": "attached"}] if resource.parent else []
        )
        return {
            "VolumeId": resource.id,
            "Size": resource.size_gib,
            "VolumeType": "gp3",
            "AvailabilityZone": az,
            "State": state,
            "Attachments": attachments,
            "Tags": _tags(resource, owner) if owner else [],
        }
    if resource.kind == "eip":
        raw: dict[str, Any] = {
            "AllocationId": resource.id,
            "PublicIp": _public_ip(resource.id),
            "Domain": "vpc",
            "Tags": _tags(resource, owner) if owner else [],
        }
        if resource.parent:
            raw |= {"AssociationId": "eipassoc-" + resource.id[-8:], "InstanceId": resource.parent}
        return raw
    if resource.kind == "eni":
        return {
            "NetworkInterfaceId": resource.id,
            "SubnetId": resource.subnet,
            "VpcId": resource.vpc,
            "Status": state,
            "Attachment": {"InstanceId": resource.parent},
            "TagSet": [],
        }
    if resource.kind == "snapshot":
        return {
            "SnapshotId": resource.id,
            "VolumeSize": resource.size_gib,
            "State": state,
            "Tags": _tags(resource, owner) if owner else [],
        }
    if resource.kind == "nat":
        return {
            "NatGatewayId": resource.id,
            "VpcId": resource.vpc,
            "SubnetId": resource.subnet,
            "State": state,
            "Tags": [],
        }
    if resource.kind == "lb":
        return {
            "LoadBalancerArn": resource.id,
            "LoadBalancerName": resource.id.rsplit("/", 2)[-2],
            "Type": "application",
            "VpcId": resource.vpc,
            "State": {"Code": state},
        }
    if resource.kind == "vpc":
        return {"VpcId": resource.id, "State": state, "CidrBlock": "10.0.0.0/16"}
    return {"SubnetId": resource.id, "VpcId": resource.vpc, "State": state}


def _public_ip(allocation_id: str) -> str:
    n = int(allocation_id[-6:], 16)
    return f"52.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


_NORMALISERS: dict[str, Callable[..., ResourceEvent]] = {
    "instance": normaliser.normalise_instance,
    "volume": normaliser.normalise_volume,
    "eip": normaliser.normalise_address,
    "eni": normaliser.normalise_network_interface,
    "snapshot": normaliser.normalise_snapshot,
    "nat": normaliser.normalise_nat_gateway,
    "lb": normaliser.normalise_load_balancer_v2,
    "vpc": normaliser.normalise_vpc,
    "subnet": normaliser.normalise_subnet,
}


def _observation_days(resource: Resource, org: Organisation) -> list[int]:
    """When the inventory sees the resource: its first day, weekly, and every day something
    about it changes (state, owner tags), and its last day."""
    days = range(max(0, resource.start), min(org.config.days, resource.end))
    seen = []
    for day in days:
        changed = (
            day == days.start
            or (day - days.start) % 7 == 0
            or (day in resource.stopped) != (day - 1 in resource.stopped)
            or day == resource.moved_at
            or day == days.stop - 1
        )
        if changed:
            seen.append(day)
    return seen


def resource_events(org: Organisation, resolver: TagResolver) -> list[ResourceEvent]:
    events = []
    for resource in org.resources:
        for day in _observation_days(resource, org):
            observed_at = datetime.combine(org.day(day), datetime.min.time(), UTC) + timedelta(
                hours=6
            )
            at = normaliser.Observation(
                resource.account,
                resource.region,
                observed_at,
                resolver,
                f"seed-{org.config.random_seed}-{day}",
            )
            kwargs: dict[str, Any] = {}
            if resource.kind == "lb":
                kwargs["tags"] = _tags(resource, resource.owner_on(day))
            event = _NORMALISERS[resource.kind](_raw(resource, day, org), at, **kwargs)
            # The normaliser stamps ingestion with the wall clock; the seed must not.
            update: dict[str, Any] = {"ingested_at": observed_at}
            if resource.kind == "volume" and day == resource.end - 1:
                update["event_type"] = "deleted"
            events.append(event.model_copy(update=update))
    return events


def relationships(org: Organisation) -> list[ResourceRelationship]:
    edges = []

    def edge(
        kind: str,
        source: Resource,
        source_type: str,
        target: str,
        target_type: str,
        start: int,
        end: int,
    ) -> None:
        valid_from = datetime.combine(org.day(max(start, 0)), datetime.min.time(), UTC)
        valid_to = (
            OPEN_VALID_TO
            if end >= org.config.days
            else datetime.combine(org.day(end), datetime.min.time(), UTC)
        )
        edges.append(
            ResourceRelationship(
                account_id=source.account,
                region=source.region,
                relationship_type=kind,
                source_id=source.id,
                source_type=source_type,
                target_id=target,
                target_type=target_type,
                valid_from=valid_from,
                valid_to=valid_to,
                ingested_at=valid_from,
            )
        )

    for r in org.resources:
        span = (max(r.start, 0), min(r.end, org.config.days))
        if r.kind == "subnet":
            edge("in_vpc", r, "ec2:subnet", r.vpc, "ec2:vpc", *span)
        elif r.kind == "instance":
            edge("in_subnet", r, "ec2:instance", r.subnet, "ec2:subnet", *span)
            if r.parent:
                edge(
                    "behind_load_balancer",
                    r,
                    "ec2:instance",
                    r.parent,
                    "elasticloadbalancing:loadbalancer",
                    *span,
                )
        elif r.kind == "volume" and r.parent:
            edge("attached_to", r, "ec2:volume", r.parent, "ec2:instance", *span)
        elif r.kind == "eni":
            edge("in_subnet", r, "ec2:network-interface", r.subnet, "ec2:subnet", *span)
            edge("attached_to", r, "ec2:network-interface", r.parent, "ec2:instance", *span)
        elif r.kind == "eip" and r.parent:
            edge("associated_with", r, "ec2:elastic-ip", r.parent, "ec2:instance", *span)
        elif r.kind == "nat":
            edge("in_subnet", r, "ec2:natgateway", r.subnet, "ec2:subnet", *span)
        elif r.kind == "lb":
            edge("in_vpc", r, "elasticloadbalancing:loadbalancer", r.vpc, "ec2:vpc", *span)
    return edges


def collector_runs(org: Organisation) -> list[CollectorRun]:
    """One successful run of every collector per account and region, at the end of the period."""
    runs = []
    for collector in (
        "config_ec2",
        "config_ebs",
        "config_network",
        "relationships",
        "cost_explorer",
        "lifecycle",
    ):
        for account, regions in ACCOUNTS:
            for region in regions:
                started = datetime.combine(org.config.end_date, datetime.min.time(), UTC)
                runs.append(
                    CollectorRun(
                        run_id=f"seed-{collector}-{account}-{region}",
                        collector=collector,
                        account_id=account,
                        region=region,
                        started_at=started,
                        finished_at=started + timedelta(seconds=42),
                        rows_written=100,
                        api_calls=3,
                        status="ok",
                    )
                )
    return runs
