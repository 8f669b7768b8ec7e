"""Typed edges child → parent between the resources of one account and region.

- `attached_to`: volume → instance; ENI → instance; ENI → NAT gateway (its addresses).
- `associated_with`: Elastic IP → ENI; Elastic IP → instance.
- `in_subnet`: instance, NAT gateway, ENI → subnet.
- `in_vpc`: subnet → VPC; load balancer → VPC.
- `behind_load_balancer`: target → load balancer, for every target registered with a v2 target
  group the load balancer forwards to: an instance; for an IP target, the network interface of
  the account that holds the address, else the address itself (`elasticloadbalancing:ip-target`,
  e.g. on-premises); for a Lambda target, the function (by ARN). Instances registered with a
  classic ELB.

`collect` returns what is observed now, every edge open from `observed_at`. `reconcile` turns
that into rows against the edges still open in ClickHouse (docs/collectors.md, "Relationship
validity"): a new edge opens at `observed_at`; an edge seen before stays as it is (its
`valid_from` is when it was first seen); an open edge no longer seen is closed with
`valid_to = observed_at`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import boto3

from clickhouse.client import PoloClickHouse
from collectors.common.arn import load_balancer_arn
from collectors.common.models import (
    OPEN_VALID_TO,
    RelationshipType,
    ResourceRelationship,
    to_utc_millis,
)
from collectors.common.normaliser import address_id
from collectors.common.retry import call_with_retry, paginate_items
from collectors.common.tag_resolver import TagResolver
from collectors.config_ebs.collector import list_volumes
from collectors.config_ec2.collector import list_instances
from collectors.config_network.collector import (
    list_addresses,
    list_classic_load_balancers,
    list_load_balancers_v2,
    list_nat_gateways,
    list_network_interfaces,
    list_subnets,
)

COLLECTOR = "relationships"

INSTANCE = "ec2:instance"
VOLUME = "ec2:volume"
ENI = "ec2:network-interface"
NAT = "ec2:natgateway"
EIP = "ec2:elastic-ip"
SUBNET = "ec2:subnet"
VPC = "ec2:vpc"
LOAD_BALANCER = "elasticloadbalancing:loadbalancer"
IP_TARGET = "elasticloadbalancing:ip-target"
LAMBDA_FUNCTION = "lambda:function"

Edge = tuple[RelationshipType, str, str, str, str]  # type, source id/type, target id/type


def _instance_edges(instances: Iterable[dict[str, Any]]) -> Iterable[Edge]:
    for instance in instances:
        if instance.get("SubnetId"):
            yield ("in_subnet", instance["InstanceId"], INSTANCE, instance["SubnetId"], SUBNET)


def _volume_edges(volumes: Iterable[dict[str, Any]]) -> Iterable[Edge]:
    for volume in volumes:
        for attachment in volume.get("Attachments") or []:
            if attachment.get("InstanceId") and attachment.get("State") in (
                "attaching",
                "attached",
                "busy",
                None,
            ):
                yield (
                    "attached_to",
                    volume["VolumeId"],
                    VOLUME,
                    attachment["InstanceId"],
                    INSTANCE,
                )


def _network_edges(
    subnets: Iterable[dict[str, Any]],
    nat_gateways: Iterable[dict[str, Any]],
    enis: Iterable[dict[str, Any]],
    addresses: Iterable[dict[str, Any]],
) -> Iterable[Edge]:
    for subnet in subnets:
        if subnet.get("VpcId"):
            yield ("in_vpc", subnet["SubnetId"], SUBNET, subnet["VpcId"], VPC)
    for nat in nat_gateways:
        if nat.get("State") in ("deleted", "failed"):
            continue
        if nat.get("SubnetId"):
            yield ("in_subnet", nat["NatGatewayId"], NAT, nat["SubnetId"], SUBNET)
        for address in nat.get("NatGatewayAddresses") or []:
            if address.get("NetworkInterfaceId"):
                yield ("attached_to", address["NetworkInterfaceId"], ENI, nat["NatGatewayId"], NAT)
    for eni in enis:
        eni_id = eni["NetworkInterfaceId"]
        if eni.get("SubnetId"):
            yield ("in_subnet", eni_id, ENI, eni["SubnetId"], SUBNET)
        instance_id = (eni.get("Attachment") or {}).get("InstanceId")
        if instance_id:
            yield ("attached_to", eni_id, ENI, instance_id, INSTANCE)
    for address in addresses:
        eip_id = address_id(address)
        if address.get("NetworkInterfaceId"):
            yield ("associated_with", eip_id, EIP, address["NetworkInterfaceId"], ENI)
        if address.get("InstanceId"):
            yield ("associated_with", eip_id, EIP, address["InstanceId"], INSTANCE)


def _load_balancer_edges(
    elbv2: Any, elb: Any, account_id: str, region: str, enis: Sequence[dict[str, Any]]
) -> Iterable[Edge]:
    for lb in list_load_balancers_v2(elbv2):
        if lb.get("VpcId"):
            yield ("in_vpc", lb["LoadBalancerArn"], LOAD_BALANCER, lb["VpcId"], VPC)
    eni_by_ip = {
        address["PrivateIpAddress"]: eni["NetworkInterfaceId"]
        for eni in enis
        for address in eni.get("PrivateIpAddresses") or []
        if address.get("PrivateIpAddress")
    }
    for group in paginate_items(elbv2, "describe_target_groups", "TargetGroups"):
        if not group.get("LoadBalancerArns"):
            continue
        health = call_with_retry(
            elbv2.describe_target_health, TargetGroupArn=group["TargetGroupArn"]
        )
        for description in health.get("TargetHealthDescriptions", []):
            source_id, source_type = _target(
                group.get("TargetType", "instance"), description["Target"]["Id"], eni_by_ip
            )
            for lb_arn in group["LoadBalancerArns"]:
                yield ("behind_load_balancer", source_id, source_type, lb_arn, LOAD_BALANCER)
    for lb in list_classic_load_balancers(elb):
        lb_arn = load_balancer_arn(region, account_id, lb["LoadBalancerName"])
        if lb.get("VPCId"):
            yield ("in_vpc", lb_arn, LOAD_BALANCER, lb["VPCId"], VPC)
        for instance in lb.get("Instances") or []:
            yield ("behind_load_balancer", instance["InstanceId"], INSTANCE, lb_arn, LOAD_BALANCER)


def _target(target_type: str, target_id: str, eni_by_ip: dict[str, str]) -> tuple[str, str]:
    """The child of a `behind_load_balancer` edge for one registered target."""
    if target_type == "ip":
        eni_id = eni_by_ip.get(target_id)
        return (eni_id, ENI) if eni_id else (target_id, IP_TARGET)
    if target_type == "lambda":
        return target_id, LAMBDA_FUNCTION
    return target_id, INSTANCE


def collect(
    session: boto3.Session,
    account_id: str,
    region: str,
    *,
    observed_at: datetime | None = None,
    run_id: str = "",
    resolver: TagResolver | None = None,
) -> list[ResourceRelationship]:
    """Every edge observed now, open from `observed_at` (`run_id`/`resolver`: runner API)."""
    observed_at = to_utc_millis(observed_at or datetime.now(UTC))
    ingested_at = datetime.now(UTC)
    ec2 = session.client("ec2", region_name=region)
    elbv2 = session.client("elbv2", region_name=region)
    elb = session.client("elb", region_name=region)
    edges: list[Edge] = []
    edges += _instance_edges(list_instances(ec2))
    edges += _volume_edges(list_volumes(ec2))
    enis = list_network_interfaces(ec2)
    edges += _network_edges(list_subnets(ec2), list_nat_gateways(ec2), enis, list_addresses(ec2))
    edges += _load_balancer_edges(elbv2, elb, account_id, region, enis)
    unique = sorted(set(edges))
    return [
        ResourceRelationship(
            account_id=account_id,
            region=region,
            relationship_type=kind,
            source_id=source_id,
            source_type=source_type,
            target_id=target_id,
            target_type=target_type,
            valid_from=observed_at,
            valid_to=OPEN_VALID_TO,
            ingested_at=ingested_at,
        )
        for kind, source_id, source_type, target_id, target_type in unique
    ]


def reconcile(
    observed: Sequence[ResourceRelationship],
    open_edges: Sequence[ResourceRelationship],
    observed_at: datetime,
    *,
    ingested_at: datetime | None = None,
) -> list[ResourceRelationship]:
    """Rows to write so the table reflects `observed` at `observed_at` (module docstring).

    - observed and not open: the new edge, open from `observed_at`;
    - observed and open: nothing (the open row keeps the `valid_from` of its first sighting);
    - open, not observed, opened before `observed_at`: the same row closed at `observed_at`
      (same ordering key, newer `ingested_at`: the ReplacingMergeTree keeps the closed one).
    Open edges that start after `observed_at` (a backfill of an earlier moment) are left alone.
    """
    observed_at = to_utc_millis(observed_at)
    ingested_at = ingested_at or datetime.now(UTC)
    open_by_identity: dict[tuple[str, str, str, str], ResourceRelationship] = {}
    for edge in sorted(open_edges, key=lambda e: e.valid_from):
        if edge.is_open and edge.valid_from <= observed_at:
            open_by_identity.setdefault(edge.identity, edge)
    seen = {edge.identity for edge in observed}
    rows = [edge for edge in observed if edge.identity not in open_by_identity]
    rows += [
        edge.model_copy(update={"valid_to": observed_at, "ingested_at": ingested_at})
        for identity, edge in open_by_identity.items()
        if identity not in seen and edge.valid_from < observed_at
    ]
    return rows


_OPEN_EDGES_SQL = """
SELECT account_id, region, relationship_type, source_id, source_type, target_id, target_type,
       valid_from, valid_to, ingested_at
FROM resource_relationships FINAL
WHERE account_id = {account_id:String}
  AND region = {region:String}
  AND valid_to = toDateTime64('2299-12-31 00:00:00', 3, 'UTC')
"""


def _utc(value: datetime) -> datetime:
    # clickhouse-connect may hand back naive datetimes; the column is UTC by definition.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def load_open_edges(
    writer: PoloClickHouse, account_id: str, region: str
) -> list[ResourceRelationship]:
    """The edges of `account_id`/`region` that are open in ClickHouse now."""
    result = writer.query(
        "relationships.open_edges",
        _OPEN_EDGES_SQL,
        {"account_id": account_id, "region": region},
    )
    edges = []
    for row in result.named_results():
        for column in ("valid_from", "valid_to", "ingested_at"):
            row[column] = _utc(row[column])
        edges.append(ResourceRelationship(**row))
    return edges


def persist(
    writer: PoloClickHouse,
    observed: Sequence[ResourceRelationship],
    account_id: str,
    region: str,
    observed_at: datetime,
) -> int:
    """Reconcile the observed edges with the open ones and write the difference."""
    rows = reconcile(observed, load_open_edges(writer, account_id, region), observed_at)
    return writer.insert_rows("resource_relationships", rows)
