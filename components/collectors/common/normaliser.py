"""Raw boto3 response shapes → `ResourceEvent`s.

One function per resource type, each taking the raw shape and an `Observation` (the account and
region the shape came from, the observation moment, the tag resolver and the collector run),
plus the source collector. Each event carries the raw tags (after sanitising, below), the owner
they resolve to, and the type-specific facts in `attributes`.

Malformed tags (empty or blank key, key > 128 or value > 256 characters, non-string parts)
cannot be stored as tags: the tag is left out of `tags`, the event is kept, and the rejected
tag (key, value, reason) is recorded as JSON in `attributes["rejected_tags"]` and logged, so
nothing is lost silently.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from collectors.common.arn import ec2_arn, load_balancer_arn, parse_arn, resource_id_from_arn
from collectors.common.models import (
    TAG_KEY_MAX_CHARS,
    TAG_VALUE_MAX_CHARS,
    EventType,
    ResourceEvent,
    tag_problem,
    to_utc_millis,
)
from collectors.common.tag_resolver import TagResolver

log = logging.getLogger(__name__)

REJECTED_TAGS_ATTRIBUTE = "rejected_tags"

_validate_event = ResourceEvent.__pydantic_validator__.validate_python

RawTags = Iterable[Mapping[str, Any]] | Mapping[str, Any] | None


def clean_tags(raw: RawTags) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Split AWS tags (`[{"Key":…, "Value":…}]` or a mapping) into valid tags and rejections."""
    if not raw:
        return {}, []
    tags = _valid_tags(raw)
    if tags is not None:
        return tags, []
    pairs: Iterable[tuple[Any, Any]] = (
        raw.items()
        if isinstance(raw, Mapping)
        else [(t.get("Key"), t.get("Value", "")) for t in raw]
    )
    kept: dict[str, str] = {}
    rejected: list[dict[str, str]] = []
    for key, value in pairs:
        if value is None:
            value = ""
        if not isinstance(key, str) or not isinstance(value, str):
            rejected.append(
                {"key": str(key), "value": str(value), "reason": "key and value must be strings"}
            )
            continue
        problem = tag_problem(key, value)
        if problem:
            rejected.append({"key": key, "value": value, "reason": problem})
            continue
        kept[key] = value
    return kept, rejected


def _valid_tags(raw: Iterable[Mapping[str, Any]] | Mapping[str, Any]) -> dict[str, str] | None:
    """The tags when every one is a valid `Key`/`Value` string pair, else None: the common case,
    in one pass (this runs for every resource; docs/collectors.md, "Performance")."""
    try:
        tags = dict(raw) if isinstance(raw, Mapping) else {t["Key"]: t["Value"] for t in raw}
    except (KeyError, TypeError, AttributeError):
        return None
    for key, value in tags.items():
        if (
            not (
                key.__class__ is str
                and value.__class__ is str
                and 0 < len(key) <= TAG_KEY_MAX_CHARS
                and len(value) <= TAG_VALUE_MAX_CHARS
            )
            or key.isspace()
        ):
            return None
    return tags


def _attr_value(value: Any) -> str:
    # Most common first: id lists (volumes, interfaces, zones), then times.
    if isinstance(value, list | tuple | set | frozenset):
        if len(value) == 1:  # most resources have one volume, one interface, one zone
            (only,) = value
            return only if only.__class__ is str else str(only)
        return ",".join(sorted(map(str, value)))
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _attributes(**values: Any) -> dict[str, str]:
    """Attribute map without empty values (None, '', empty collections); zeros and False stay.

    Strings, most values, pass straight through: this runs for every attribute of every
    resource (docs/collectors.md, "Performance")."""
    kept: dict[str, str] = {}
    for key, value in values.items():
        if value.__class__ is str:
            if value:
                kept[key] = value
        elif value is not None and (value or isinstance(value, int | float | Decimal)):
            kept[key] = _attr_value(value)
    return kept


@dataclass(frozen=True, slots=True)
class Observation:
    """Where, when and for which run a collector looked: shared by every event it normalises.

    `observed_at` is the event time; `resolver` turns tags into the owner; `run_id` is the
    collector run that wrote the events; `ingested_at` is when Polo took them in, one moment
    per observation like the relationship and lifecycle collectors' runs (the version of the
    ReplacingMergeTree row: a later observation of the same moment wins)."""

    account_id: str
    region: str
    observed_at: datetime
    resolver: TagResolver
    run_id: str
    ingested_at: datetime = field(default_factory=lambda: to_utc_millis(datetime.now(UTC)))

    @classmethod
    def for_run(
        cls,
        account_id: str,
        region: str,
        *,
        observed_at: datetime | None = None,
        run_id: str = "",
        resolver: TagResolver | None = None,
    ) -> Observation:
        """The observation of a collector's `collect` call: now and the default aliases unless
        the runner says otherwise."""
        return cls(
            account_id, region, observed_at or datetime.now(UTC), resolver or TagResolver(), run_id
        )

    def event(
        self,
        *,
        source: str,
        resource_type: str,
        resource_id: str,
        arn: str,
        state: str,
        raw_tags: RawTags,
        attributes: dict[str, str],
        event_type: EventType = "observed",
    ) -> ResourceEvent:
        """Assemble a `ResourceEvent`: sanitise tags, resolve the owner, record rejected tags."""
        tags, rejected = clean_tags(raw_tags)
        if rejected:
            attributes = {
                **attributes,
                REJECTED_TAGS_ATTRIBUTE: json.dumps(rejected, ensure_ascii=False),
            }
            log.warning(
                "%s %s in %s/%s: %d tag(s) rejected: %s",
                resource_type,
                resource_id,
                self.account_id,
                self.region,
                len(rejected),
                "; ".join(f"{r['key']!r}: {r['reason']}" for r in rejected),
            )
        owner = self.resolver.resolve(tags)
        # One dict straight to the model's validator: `model_validate` and
        # ResourceEvent(**kwargs) only add Python calls around it, per event.
        return _validate_event(
            {
                "event_time": self.observed_at,
                "ingested_at": self.ingested_at,
                "event_type": event_type,
                "account_id": self.account_id,
                "region": self.region,
                "resource_type": resource_type,
                "resource_id": resource_id,
                "arn": arn,
                "state": state,
                "tags": tags,
                "marqo_customer": owner.marqo_customer,
                "marqo_cluster": owner.marqo_cluster,
                "marqo_role": owner.marqo_role,
                "marqo_environment": owner.marqo_environment,
                "owner_rule": owner.rule,
                "attributes": attributes,
                "source": source,
                "collector_run_id": self.run_id,
            }
        )


def normalise_instance(
    raw: Mapping[str, Any],
    at: Observation,
    *,
    source: str = "config_ec2",
) -> ResourceEvent:
    """An `ec2:DescribeInstances` instance."""
    instance_id = raw["InstanceId"]
    placement = raw.get("Placement") or {}
    attributes = _attributes(
        instance_type=raw.get("InstanceType"),
        availability_zone=placement.get("AvailabilityZone"),
        tenancy=placement.get("Tenancy"),
        vpc_id=raw.get("VpcId"),
        subnet_id=raw.get("SubnetId"),
        image_id=raw.get("ImageId"),
        platform=raw.get("PlatformDetails") or raw.get("Platform"),
        architecture=raw.get("Architecture"),
        lifecycle=raw.get("InstanceLifecycle") or "on-demand",
        launch_time=raw.get("LaunchTime"),
        private_ip=raw.get("PrivateIpAddress"),
        public_ip=raw.get("PublicIpAddress"),
        volume_ids=[
            m["Ebs"]["VolumeId"] for m in raw.get("BlockDeviceMappings") or [] if m.get("Ebs")
        ],
        network_interface_ids=[n["NetworkInterfaceId"] for n in raw.get("NetworkInterfaces") or []],
    )
    return at.event(
        source=source,
        resource_type="ec2:instance",
        resource_id=instance_id,
        arn=ec2_arn(at.region, at.account_id, "instance", instance_id),
        state=(raw.get("State") or {}).get("Name", ""),
        raw_tags=raw.get("Tags"),
        attributes=attributes,
    )


def normalise_volume(
    raw: Mapping[str, Any],
    at: Observation,
    *,
    source: str = "config_ebs",
) -> ResourceEvent:
    """An `ec2:DescribeVolumes` volume."""
    volume_id = raw["VolumeId"]
    attachments = raw.get("Attachments") or []
    attributes = _attributes(
        size_gib=raw.get("Size"),
        volume_type=raw.get("VolumeType"),
        iops=raw.get("Iops"),
        throughput=raw.get("Throughput"),
        availability_zone=raw.get("AvailabilityZone"),
        encrypted=raw.get("Encrypted"),
        snapshot_id=raw.get("SnapshotId"),
        create_time=raw.get("CreateTime"),
        multi_attach=raw.get("MultiAttachEnabled"),
        attached_instance_ids=[a["InstanceId"] for a in attachments if a.get("InstanceId")],
    )
    return at.event(
        source=source,
        resource_type="ec2:volume",
        resource_id=volume_id,
        arn=ec2_arn(at.region, at.account_id, "volume", volume_id),
        state=raw.get("State", ""),
        raw_tags=raw.get("Tags"),
        attributes=attributes,
    )


def normalise_snapshot(
    raw: Mapping[str, Any],
    at: Observation,
    *,
    source: str = "config_ebs",
) -> ResourceEvent:
    """An `ec2:DescribeSnapshots` snapshot (owned by `account_id`)."""
    snapshot_id = raw["SnapshotId"]
    attributes = _attributes(
        volume_id=raw.get("VolumeId"),
        volume_size_gib=raw.get("VolumeSize"),
        start_time=raw.get("StartTime"),
        storage_tier=raw.get("StorageTier"),
        encrypted=raw.get("Encrypted"),
        progress=raw.get("Progress"),
        description=raw.get("Description"),
    )
    return at.event(
        source=source,
        resource_type="ec2:snapshot",
        resource_id=snapshot_id,
        arn=ec2_arn(at.region, at.account_id, "snapshot", snapshot_id),
        state=raw.get("State", ""),
        raw_tags=raw.get("Tags"),
        attributes=attributes,
    )


def normalise_nat_gateway(
    raw: Mapping[str, Any],
    at: Observation,
    *,
    source: str = "config_network",
) -> ResourceEvent:
    """An `ec2:DescribeNatGateways` NAT gateway."""
    nat_id = raw["NatGatewayId"]
    addresses = raw.get("NatGatewayAddresses") or []
    attributes = _attributes(
        vpc_id=raw.get("VpcId"),
        subnet_id=raw.get("SubnetId"),
        connectivity_type=raw.get("ConnectivityType") or "public",
        create_time=raw.get("CreateTime"),
        public_ips=[a["PublicIp"] for a in addresses if a.get("PublicIp")],
        allocation_ids=[a["AllocationId"] for a in addresses if a.get("AllocationId")],
        network_interface_ids=[
            a["NetworkInterfaceId"] for a in addresses if a.get("NetworkInterfaceId")
        ],
    )
    return at.event(
        source=source,
        resource_type="ec2:natgateway",
        resource_id=nat_id,
        arn=ec2_arn(at.region, at.account_id, "natgateway", nat_id),
        state=raw.get("State", ""),
        raw_tags=raw.get("Tags"),
        attributes=attributes,
    )


def address_id(raw: Mapping[str, Any]) -> str:
    """An Elastic IP's id: its allocation id, or its public IP for EC2-Classic addresses."""
    return raw.get("AllocationId") or raw["PublicIp"]


def normalise_address(
    raw: Mapping[str, Any],
    at: Observation,
    *,
    source: str = "config_network",
) -> ResourceEvent:
    """An `ec2:DescribeAddresses` Elastic IP; state is `associated` or `unassociated`."""
    eip_id = address_id(raw)
    associated = bool(
        raw.get("AssociationId") or raw.get("InstanceId") or raw.get("NetworkInterfaceId")
    )
    attributes = _attributes(
        public_ip=raw.get("PublicIp"),
        domain=raw.get("Domain"),
        association_id=raw.get("AssociationId"),
        instance_id=raw.get("InstanceId"),
        network_interface_id=raw.get("NetworkInterfaceId"),
        private_ip=raw.get("PrivateIpAddress"),
        public_ipv4_pool=raw.get("PublicIpv4Pool"),
    )
    return at.event(
        source=source,
        resource_type="ec2:elastic-ip",
        resource_id=eip_id,
        arn=ec2_arn(at.region, at.account_id, "elastic-ip", eip_id),
        state="associated" if associated else "unassociated",
        raw_tags=raw.get("Tags"),
        attributes=attributes,
    )


def normalise_network_interface(
    raw: Mapping[str, Any],
    at: Observation,
    *,
    source: str = "config_network",
) -> ResourceEvent:
    """An `ec2:DescribeNetworkInterfaces` ENI (tags come as `TagSet`)."""
    eni_id = raw["NetworkInterfaceId"]
    attachment = raw.get("Attachment") or {}
    attributes = _attributes(
        interface_type=raw.get("InterfaceType"),
        vpc_id=raw.get("VpcId"),
        subnet_id=raw.get("SubnetId"),
        availability_zone=raw.get("AvailabilityZone"),
        private_ip=raw.get("PrivateIpAddress"),
        description=raw.get("Description"),
        requester_id=raw.get("RequesterId"),
        requester_managed=raw.get("RequesterManaged"),
        attached_instance_id=attachment.get("InstanceId"),
        attachment_status=attachment.get("Status"),
    )
    return at.event(
        source=source,
        resource_type="ec2:network-interface",
        resource_id=eni_id,
        arn=ec2_arn(at.region, at.account_id, "network-interface", eni_id),
        state=raw.get("Status", ""),
        raw_tags=raw.get("TagSet"),
        attributes=attributes,
    )


def normalise_load_balancer_v2(
    raw: Mapping[str, Any],
    at: Observation,
    *,
    tags: RawTags = None,
    source: str = "config_network",
) -> ResourceEvent:
    """An `elbv2:DescribeLoadBalancers` ALB / NLB / GWLB; tags come from `elbv2:DescribeTags`.

    `resource_id` is the load balancer ARN (names are only unique per account and region).
    """
    arn = raw["LoadBalancerArn"]
    parse_arn(arn)
    attributes = _attributes(
        name=raw.get("LoadBalancerName"),
        type=raw.get("Type"),
        scheme=raw.get("Scheme"),
        vpc_id=raw.get("VpcId"),
        dns_name=raw.get("DNSName"),
        created_time=raw.get("CreatedTime"),
        ip_address_type=raw.get("IpAddressType"),
        availability_zones=[z["ZoneName"] for z in raw.get("AvailabilityZones") or []],
        subnet_ids=[z["SubnetId"] for z in raw.get("AvailabilityZones") or [] if z.get("SubnetId")],
    )
    return at.event(
        source=source,
        resource_type="elasticloadbalancing:loadbalancer",
        resource_id=arn,
        arn=arn,
        state=(raw.get("State") or {}).get("Code", ""),
        raw_tags=tags,
        attributes=attributes,
    )


def normalise_classic_load_balancer(
    raw: Mapping[str, Any],
    at: Observation,
    *,
    tags: RawTags = None,
    source: str = "config_network",
) -> ResourceEvent:
    """An `elb:DescribeLoadBalancers` classic ELB; tags come from `elb:DescribeTags`.

    `resource_id` is the ARN `…:loadbalancer/<name>` that AWS bills classic ELBs under.
    """
    arn = load_balancer_arn(at.region, at.account_id, raw["LoadBalancerName"])
    attributes = _attributes(
        name=raw["LoadBalancerName"],
        type="classic",
        scheme=raw.get("Scheme"),
        vpc_id=raw.get("VPCId"),
        dns_name=raw.get("DNSName"),
        created_time=raw.get("CreatedTime"),
        availability_zones=raw.get("AvailabilityZones") or [],
        subnet_ids=raw.get("Subnets") or [],
        instance_ids=[i["InstanceId"] for i in raw.get("Instances") or []],
    )
    return at.event(
        source=source,
        resource_type="elasticloadbalancing:loadbalancer",
        resource_id=arn,
        arn=arn,
        state="active",
        raw_tags=tags,
        attributes=attributes,
    )


def normalise_vpc(
    raw: Mapping[str, Any],
    at: Observation,
    *,
    source: str = "config_network",
) -> ResourceEvent:
    """An `ec2:DescribeVpcs` VPC."""
    vpc_id = raw["VpcId"]
    return at.event(
        source=source,
        resource_type="ec2:vpc",
        resource_id=vpc_id,
        arn=ec2_arn(at.region, at.account_id, "vpc", vpc_id),
        state=raw.get("State", ""),
        raw_tags=raw.get("Tags"),
        attributes=_attributes(cidr_block=raw.get("CidrBlock"), is_default=raw.get("IsDefault")),
    )


def normalise_subnet(
    raw: Mapping[str, Any],
    at: Observation,
    *,
    source: str = "config_network",
) -> ResourceEvent:
    """An `ec2:DescribeSubnets` subnet."""
    subnet_id = raw["SubnetId"]
    return at.event(
        source=source,
        resource_type="ec2:subnet",
        resource_id=subnet_id,
        arn=ec2_arn(at.region, at.account_id, "subnet", subnet_id),
        state=raw.get("State", ""),
        raw_tags=raw.get("Tags"),
        attributes=_attributes(
            vpc_id=raw.get("VpcId"),
            cidr_block=raw.get("CidrBlock"),
            availability_zone=raw.get("AvailabilityZone"),
        ),
    )


def normalise_tagged_resource(
    raw: Mapping[str, Any],
    at: Observation,
    *,
    source: str = "tags",
) -> ResourceEvent:
    """A `tag:GetResources` mapping (`ResourceARN` + `Tags`): a `tagged` event of any type."""
    parsed = parse_arn(raw["ResourceARN"])
    return at.event(
        source=source,
        resource_type=parsed.polo_resource_type,
        resource_id=resource_id_from_arn(parsed),
        arn=raw["ResourceARN"],
        state="",
        raw_tags=raw.get("Tags"),
        attributes={},
        event_type="tagged",
    )
