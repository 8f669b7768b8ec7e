"""A deterministic synthetic organisation, pushed through the real ingestion path.

`python -m attribution.seed [--customers N --clusters N --resources N --days N
--random-seed N --end-date YYYY-MM-DD --url URL --replace]`

What is generated (docs/attribution.md, "The seeded story"): accounts and regions with a VPC
and subnets each; per customer, clusters with roles (`api`, `worker`, `db`) of instances behind
a load balancer, each instance with an attached volume (untagged: it inherits its instance's
owner), ENIs and Elastic IPs; snapshots; a NAT gateway per VPC. Resources start and stop over
the period. The story of the last two weeks, base window A = the 7 days before the last 7,
compare window B = the last 7 days:

- the price of `r6i.large` rises 20% on the first day of B (a rate effect);
- a new cluster of the first customer starts on the first day of B (created);
- one instance (and, by inheritance, its volume) moves from one customer to another on the
  first day of B (transferred out / in);
- a few instances are terminated at the end of A (removed), some are stopped for a while;
- untagged instances and snapshots, cost AWS reports without a resource (support, tax) and
  cost of resources the inventory does not know are `unattributed` (coverage < 100 %);
- idle resources: unattached volumes, unassociated Elastic IPs, a NAT gateway in a VPC with no
  instances, a load balancer without targets.

Every inventory observation is a raw boto3-shaped dict run through
`collectors.common.normaliser` (and so the tag resolver); every CloudTrail event is a raw
record run through `collectors.lifecycle.mapping`. Then `attribution.pipeline` builds
snapshots, the closure table and the attributed cost for every day. The same `--random-seed`
and `--end-date` give the same rows, checked by the table checksums printed at the end.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from attribution import pipeline
from attribution.completeness import DeltaWindows
from attribution.nodes import cluster_node
from attribution.queries import window_completeness
from collectors.common import normaliser
from collectors.common.arn import load_balancer_arn
from collectors.common.clickhouse_client import ClickHouseError, PoloClickHouse, connect
from collectors.common.models import (
    OPEN_VALID_TO,
    CollectorRun,
    ResourceEvent,
    ResourceRelationship,
)
from collectors.common.tag_resolver import TagResolver
from collectors.lifecycle.mapping import map_record
from schema.migrate import MigrationError, apply_migrations

WINDOW_DAYS = 7
ACCOUNTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("123456789012", ("eu-west-1",)),
    ("234567890123", ("us-east-1",)),
    ("345678901234", ("eu-west-1", "ap-southeast-2")),
)
CUSTOMER_NAMES = (
    "acme",
    "globex",
    "initech",
    "umbrella",
    "hooli",
    "stark",
    "wayne",
    "tyrell",
    "cyberdyne",
    "soylent",
    "wonka",
    "oscorp",
)
ROLES = ("api", "worker", "db")
INSTANCE_TYPES = ("m5.large", "m5.xlarge", "c6i.large", "r6i.large")
HOURLY = {
    "m5.large": Decimal("0.096"),
    "m5.xlarge": Decimal("0.192"),
    "c6i.large": Decimal("0.085"),
    "r6i.large": Decimal("0.126"),
}
PRICE_CHANGE_TYPE = "r6i.large"
PRICE_CHANGE_FACTOR = Decimal("1.2")
GP3_GB_MONTH = Decimal("0.08")
SNAPSHOT_GB_MONTH = Decimal("0.05")
NAT_HOURLY = Decimal("0.045")
NAT_PER_GB = Decimal("0.045")
EIP_HOURLY = Decimal("0.005")
LB_HOURLY = Decimal("0.0225")
# Savings plan on the first account: amortized (effective) compute cost is lower than billed.
SAVINGS_PLAN_ACCOUNT = ACCOUNTS[0][0]
SAVINGS_PLAN_RATE = Decimal("0.72")
# Tag keys vary the way they do in a real organisation; the resolver's aliases unify them.
CUSTOMER_KEYS = ("Customer", "customer-id", "marqo_customer")
CLUSTER_KEYS = ("Cluster", "cluster-name", "marqo_cluster")
ROLE_KEYS = ("Role", "role")
ACTORS = (
    ("arn:aws:iam::{account}:role/terraform-deployer", "AssumedRole"),
    ("arn:aws:iam::{account}:user/alice", "IAMUser"),
    ("arn:aws:iam::{account}:user/bob", "IAMUser"),
)
Q6 = Decimal("0.000001")
DATA_TABLES = (
    "resource_events",
    "resource_relationships",
    "lifecycle_events",
    "cost_daily",
    "collector_runs",
    "resource_snapshots",
    "resource_ancestry",
    "cost_attributed_daily",
    "cost_by_owner_daily",
    "cost_delta_blocks",
    "cost_delta_weeks",
    "cost_delta_months",
    "cost_delta_mtd",
)


class SeedConfig(BaseModel):
    customers: int = Field(default=6, ge=2, le=len(CUSTOMER_NAMES))
    clusters: int = Field(default=2, ge=1, le=9, description="clusters per customer")
    resources: int = Field(default=600, ge=60, le=200_000)
    days: int = Field(default=35, ge=2 * WINDOW_DAYS + 1, le=400)
    random_seed: int = 7
    end_date: date = Field(default_factory=lambda: datetime.now(UTC).date())
    """First day after the seeded period (exclusive), so the period ends yesterday by default."""


class Story(BaseModel):
    """What the seed put where, for checks and for the docs."""

    base_start: date
    base_end: date
    compare_start: date
    compare_end: date
    new_cluster_node: str
    moved_resource: str
    moved_from: str
    moved_to: str
    price_changed_resources: list[str]
    removed_resources: list[str]
    idle_resources: dict[str, str]


class SeedResult(BaseModel):
    story: Story
    story_windows: DeltaWindows
    """How complete the story's windows are in the database just written (always complete)."""
    rows: dict[str, int]
    checksums: dict[str, str]
    seconds: float


@dataclass
class Owner:
    customer: str
    cluster: str
    role: str


@dataclass
class Resource:
    kind: str  # instance | volume | eni | eip | snapshot | nat | lb | vpc | subnet
    id: str
    account: str
    region: str
    vpc: str = ""
    subnet: str = ""
    owner: Owner | None = None  # its own owner tags; None = untagged
    tag_style: int = 0
    start: int = 0  # first day index alive
    end: int = 10**6  # first day index no longer alive
    stopped: set[int] = field(default_factory=set)
    instance_type: str = ""
    size_gib: int = 0
    parent: str = ""  # volume / eni → instance, eip → instance, instance → load balancer
    moved_at: int | None = None
    moved_owner: Owner | None = None
    idle: bool = False

    def alive(self, day: int) -> bool:
        return self.start <= day < self.end

    def owner_on(self, day: int) -> Owner | None:
        if self.moved_at is not None and day >= self.moved_at:
            return self.moved_owner
        return self.owner


@dataclass
class Organisation:
    config: SeedConfig
    resources: list[Resource]
    story_day: int  # first day of window B
    volumes_of: dict[str, list[str]] = field(default_factory=dict)
    busy_vpcs: set[str] = field(default_factory=set)

    def day(self, index: int) -> date:
        return self.config.end_date - timedelta(days=self.config.days - index)


class _Ids:
    """AWS-looking ids from the seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def __call__(self, prefix: str, digits: int = 17) -> str:
        return f"{prefix}-{self.rng.getrandbits(digits * 4):0{digits}x}"


def plan(config: SeedConfig) -> Organisation:
    """The organisation and its history (pure and deterministic for a config)."""
    rng = random.Random(config.random_seed)
    ids = _Ids(rng)
    story_day = config.days - WINDOW_DAYS
    resources: list[Resource] = []
    networks: list[tuple[str, str, str, list[str]]] = []  # account, region, vpc, subnets
    for account, regions in ACCOUNTS:
        for region in regions:
            vpc = ids("vpc")
            subnets = [ids("subnet") for _ in range(3)]
            networks.append((account, region, vpc, subnets))
            resources.append(Resource("vpc", vpc, account, region, vpc=vpc))
            resources += [
                Resource("subnet", s, account, region, vpc=vpc, subnet=s) for s in subnets
            ]
            resources.append(
                Resource("nat", ids("nat"), account, region, vpc=vpc, subnet=subnets[0])
            )
    # The last network holds no instances: its NAT gateway is idle.
    busy_networks = networks[:-1]
    customers = list(CUSTOMER_NAMES[: config.customers])
    clusters = [
        (c, f"{c}-{['prod', 'staging', 'eu', 'us', 'ap', 'dr', 'ml', 'search', 'batch'][k]}")
        for c in customers
        for k in range(config.clusters)
    ]
    instance_budget = int(config.resources * 0.38)
    new_cluster = (customers[0], f"{customers[0]}-new")
    new_cluster_instances = 4
    instances: list[Resource] = []
    lbs: dict[tuple[str, str], Resource] = {}
    for index in range(instance_budget):
        is_new = index < new_cluster_instances
        customer, cluster = new_cluster if is_new else clusters[index % len(clusters)]
        account, region, vpc, subnets = busy_networks[
            customers.index(customer) % len(busy_networks)
        ]
        key = (customer, cluster)
        if key not in lbs:
            lb_name = f"{cluster}-lb"
            lb = Resource(
                "lb",
                load_balancer_arn(region, account, lb_name),
                account,
                region,
                vpc=vpc,
                owner=Owner(customer, cluster, "ingress"),
                start=story_day if is_new else 0,
            )
            lbs[key] = lb
            resources.append(lb)
        untagged = not is_new and rng.random() < 0.07
        instance = Resource(
            "instance",
            ids("i"),
            account,
            region,
            vpc=vpc,
            subnet=subnets[index % len(subnets)],
            owner=None if untagged else Owner(customer, cluster, ROLES[index % len(ROLES)]),
            tag_style=rng.randrange(3),
            instance_type=INSTANCE_TYPES[index % len(INSTANCE_TYPES)],
            parent="" if untagged else lbs[key].id,
        )
        if is_new:
            instance.start = story_day
        elif instance.instance_type != PRICE_CHANGE_TYPE:
            # The price-change population stays steady so the rate effect stands alone.
            # Starts and ends happen before window A, stops anywhere.
            roll = rng.random()
            quiet = story_day - WINDOW_DAYS
            if roll < 0.10 and quiet > 1:
                instance.start = rng.randrange(1, quiet)
            elif roll < 0.18 and quiet > 1:
                instance.end = rng.randrange(1, quiet)
            elif roll < 0.24:
                first = rng.randrange(0, config.days - 3)
                instance.stopped = set(range(first, min(config.days, first + rng.randrange(2, 9))))
        instances.append(instance)
    resources += instances
    # Terminated at the end of A: removed.
    steady = [
        i
        for i in instances
        if i.owner
        and i.start == 0
        and i.end > config.days
        and not i.stopped
        and i.instance_type != PRICE_CHANGE_TYPE
    ]
    removed = steady[:3]
    for instance in removed:
        instance.end = story_day
    moved = steady[3]
    assert moved.owner is not None
    target_customer = next(c for c in customers if c != moved.owner.customer)
    target_cluster = next(k for c, k in clusters if c == target_customer)
    moved.moved_at = story_day
    moved.moved_owner = Owner(target_customer, target_cluster, moved.owner.role)
    moved.parent = ""  # not behind a load balancer: its tags alone decide its owner
    # One volume per instance (untagged: inherits), plus idle unattached volumes.
    for instance in instances:
        resources.append(
            Resource(
                "volume",
                ids("vol"),
                instance.account,
                instance.region,
                vpc=instance.vpc,
                size_gib=rng.choice((20, 50, 100, 200)),
                start=instance.start,
                end=instance.end,
                parent=instance.id,
            )
        )
    filler = max(0, config.resources - len(resources))
    for index in range(filler):
        account, region, vpc, subnets = busy_networks[index % len(busy_networks)]
        customer, cluster = clusters[index % len(clusters)]
        owner = Owner(customer, cluster, "db")
        kind = ("volume", "eip", "eni", "snapshot", "eip", "snapshot")[index % 6]
        host = instances[(index * 7) % len(instances)]
        if kind == "volume":
            # Unattached (idle) volumes, tagged so the waste is charged to its owner.
            resources.append(
                Resource(
                    "volume",
                    ids("vol"),
                    account,
                    region,
                    vpc=vpc,
                    owner=owner,
                    size_gib=rng.choice((100, 500)),
                    idle=True,
                )
            )
        elif kind == "eip":
            idle = index % 12 == 1
            resources.append(
                Resource(
                    "eip",
                    ids("eipalloc"),
                    host.account,
                    host.region,
                    vpc=host.vpc,
                    owner=owner if idle else None,
                    parent="" if idle else host.id,
                    start=0 if idle else host.start,
                    end=10**6 if idle else host.end,
                    idle=idle,
                )
            )
        elif kind == "eni":
            resources.append(
                Resource(
                    "eni",
                    ids("eni"),
                    host.account,
                    host.region,
                    vpc=host.vpc,
                    subnet=host.subnet,
                    parent=host.id,
                    start=host.start,
                    end=host.end,
                )
            )
        else:
            untagged = index % 4 == 3
            resources.append(
                Resource(
                    "snapshot",
                    ids("snap"),
                    account,
                    region,
                    owner=None if untagged else owner,
                    size_gib=rng.choice((20, 50, 100)),
                )
            )
    # A load balancer of the last cluster without targets (idle).
    account, region, vpc, _ = busy_networks[0]
    resources.append(
        Resource(
            "lb",
            load_balancer_arn(region, account, "orphan-lb"),
            account,
            region,
            vpc=vpc,
            owner=Owner(clusters[-1][0], clusters[-1][1], "ingress"),
            idle=True,
        )
    )
    org = Organisation(config=config, resources=resources, story_day=story_day)
    for r in resources:
        if r.kind == "volume" and r.parent:
            org.volumes_of.setdefault(r.parent, []).append(r.id)
        if r.kind == "instance":
            org.busy_vpcs.add(r.vpc)
    return org


# ---------------------------------------------------------------------------------------------
# Raw AWS shapes → the real normaliser


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


def _money(value: Decimal) -> Decimal:
    return value.quantize(Q6)


def cost_rows(org: Organisation, rng: random.Random) -> list[dict[str, Any]]:
    """Cost Explorer-like daily rows (`cost_daily` columns)."""
    rows = []
    collected_at = datetime.combine(org.config.end_date, datetime.min.time(), UTC)

    def row(
        day: int,
        r: Resource | None,
        service: str,
        usage: str,
        qty: Decimal,
        price: Decimal,
        unit: str,
        account: str = "",
        region: str = "",
        resource_id: str | None = None,
    ) -> None:
        billed = _money(qty * price)
        effective = billed
        account = account or (r.account if r else "")
        if r is not None and r.kind == "instance" and account == SAVINGS_PLAN_ACCOUNT:
            effective = _money(billed * SAVINGS_PLAN_RATE)
        rows.append(
            {
                "charge_period_start": org.day(day),
                "account_id": account,
                "region": region or (r.region if r else ""),
                "service_name": service,
                "usage_type": usage,
                "resource_id": resource_id if resource_id is not None else (r.id if r else ""),
                "billed_cost": billed,
                "effective_cost": effective,
                "consumed_quantity": _money(qty),
                "pricing_unit": unit,
                "is_provisional": int(day >= org.config.days - 2),
                "collected_at": collected_at,
            }
        )

    ec2 = "Amazon Elastic Compute Cloud - Compute"
    for day in range(org.config.days):
        for r in org.resources:
            if not r.alive(day):
                continue
            if r.kind == "instance" and day not in r.stopped:
                price = HOURLY[r.instance_type]
                if r.instance_type == PRICE_CHANGE_TYPE and day >= org.story_day:
                    price *= PRICE_CHANGE_FACTOR
                row(day, r, ec2, f"BoxUsage:{r.instance_type}", Decimal(24), price, "Hrs")
            elif r.kind == "volume":
                row(
                    day,
                    r,
                    "EC2 - Other",
                    "EBS:VolumeUsage.gp3",
                    Decimal(r.size_gib) / 30,
                    GP3_GB_MONTH,
                    "GB-Mo",
                )
            elif r.kind == "snapshot":
                row(
                    day,
                    r,
                    "EC2 - Other",
                    "EBS:SnapshotUsage",
                    Decimal(r.size_gib) / 30,
                    SNAPSHOT_GB_MONTH,
                    "GB-Mo",
                )
            elif r.kind == "nat":
                row(day, r, "EC2 - Other", "NatGateway-Hours", Decimal(24), NAT_HOURLY, "Hrs")
                busy = r.vpc in org.busy_vpcs
                gb = Decimal(rng.randrange(5_000, 60_000)) / 1000 if busy else Decimal(0)
                row(day, r, "EC2 - Other", "NatGateway-Bytes", gb, NAT_PER_GB, "GB")
            elif r.kind == "eip":
                usage = "PublicIPv4:InUseAddress" if r.parent else "PublicIPv4:IdleAddress"
                row(day, r, "Amazon Virtual Private Cloud", usage, Decimal(24), EIP_HOURLY, "Hrs")
            elif r.kind == "lb":
                row(
                    day,
                    r,
                    "Elastic Load Balancing",
                    "LoadBalancerUsage",
                    Decimal(24),
                    LB_HOURLY,
                    "Hrs",
                )
        for account, regions in ACCOUNTS:
            # Cost AWS gives without a resource id: always unattributed.
            support = Decimal(rng.randrange(8_000, 12_000)) / 1000
            row(
                day,
                None,
                "AWS Support (Business)",
                "Support",
                Decimal(1),
                support,
                "",
                account=account,
                region="global",
            )
            # A bucket the inventory does not know: unattributed, by id.
            row(
                day,
                None,
                "Amazon Simple Storage Service",
                "TimedStorage-ByteHrs",
                Decimal(rng.randrange(900, 1100)),
                Decimal("0.023"),
                "GB-Mo",
                account=account,
                region=regions[0],
                resource_id=f"polo-logs-{account}",
            )
    return rows


def lifecycle_events(org: Organisation, rng: random.Random) -> list[Any]:
    """CloudTrail records of the story (creates, stops, moves, terminations) through the
    lifecycle collector's mapping."""
    records: list[dict[str, Any]] = []

    def record(
        day: int, r: Resource, name: str, params: dict, response: dict | None = None, hour: int = 9
    ) -> None:
        arn_template, actor_type = ACTORS[rng.randrange(len(ACTORS))]
        when = datetime.combine(org.day(day), datetime.min.time(), UTC) + timedelta(hours=hour)
        records.append(
            {
                "eventID": str(uuid.UUID(int=rng.getrandbits(128))),
                "eventTime": when.isoformat(),
                "eventSource": "ec2.amazonaws.com",
                "eventName": name,
                "awsRegion": r.region,
                "recipientAccountId": r.account,
                "sourceIPAddress": f"203.0.113.{rng.randrange(1, 255)}",
                "userAgent": "terraform/1.9.5" if actor_type == "AssumedRole" else "aws-cli/2.17",
                "requestID": str(uuid.UUID(int=rng.getrandbits(128))),
                "userIdentity": {
                    "type": actor_type,
                    "arn": arn_template.format(account=r.account),
                    "accountId": r.account,
                },
                "requestParameters": params,
                "responseElements": response or {},
            }
        )

    for r in org.resources:
        if r.kind != "instance":
            continue
        items = {"instancesSet": {"items": [{"instanceId": r.id}]}}
        if r.start > 0:
            record(r.start, r, "RunInstances", {}, items)
        for day in sorted(r.stopped):
            if day - 1 not in r.stopped:
                record(day, r, "StopInstances", items)
            if day + 1 not in r.stopped and day + 1 < org.config.days:
                record(day + 1, r, "StartInstances", items)
        if r.moved_at is not None and r.moved_owner is not None:
            record(
                r.moved_at,
                r,
                "CreateTags",
                {
                    "resourcesSet": {"items": [{"resourceId": r.id}]},
                    "tagSet": {
                        "items": [
                            {"key": CUSTOMER_KEYS[r.tag_style], "value": r.moved_owner.customer}
                        ]
                    },
                },
                hour=2,
            )
        if r.end < org.config.days:
            record(r.end - 1, r, "TerminateInstances", items, hour=17)
    ingested = datetime.combine(org.config.end_date, datetime.min.time(), UTC)
    return [event for rec in records for event in map_record(rec, ingested_at=ingested)]


def collector_runs(org: Organisation) -> list[CollectorRun]:
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


def story(org: Organisation) -> Story:
    days = org.config.days
    moved = next(r for r in org.resources if r.moved_at is not None)
    assert moved.owner and moved.moved_owner
    customer = CUSTOMER_NAMES[0]
    return Story(
        base_start=org.day(days - 2 * WINDOW_DAYS),
        base_end=org.day(days - WINDOW_DAYS),
        compare_start=org.day(days - WINDOW_DAYS),
        compare_end=org.config.end_date,
        new_cluster_node=cluster_node(customer, f"{customer}-new"),
        moved_resource=moved.id,
        moved_from=f"customer:{moved.owner.customer}",
        moved_to=f"customer:{moved.moved_owner.customer}",
        price_changed_resources=sorted(
            r.id
            for r in org.resources
            if r.kind == "instance" and r.instance_type == PRICE_CHANGE_TYPE and r.start == 0
        ),
        removed_resources=sorted(
            r.id for r in org.resources if r.kind == "instance" and r.end == org.story_day
        ),
        idle_resources={
            r.id: r.kind
            for r in org.resources
            if r.idle or (r.kind == "nat" and r.vpc not in org.busy_vpcs)
        },
    )


def checksums(db: PoloClickHouse, tables: Iterable[str] = DATA_TABLES) -> dict[str, str]:
    """Row count and an order-independent hash of every row, per table."""
    sums = {}
    for table in tables:
        count, digest = db.query(
            f"seed.checksum:{table}",
            "SELECT count(), sum(cityHash64(*)) FROM {table:Identifier}",
            {"table": table},
        ).result_rows[0]
        sums[table] = f"{count}:{digest:016x}"
    return sums


class SeedError(Exception):
    """The target database is not in a state the seed can write to."""


def _check_empty(db: PoloClickHouse, replace: bool) -> None:
    counts = {
        table: db.query(
            "seed.count", "SELECT count() FROM {t:Identifier}", {"t": table}
        ).result_rows[0][0]
        for table in DATA_TABLES
    }
    if any(counts.values()) and not replace:
        busy = ", ".join(f"{t} ({n} rows)" for t, n in counts.items() if n)
        raise SeedError(f"the database already holds data: {busy}; use --replace to wipe it")
    if replace:
        for table in DATA_TABLES:
            db.command("seed.truncate", "TRUNCATE TABLE {t:Identifier}", {"t": table})


def _verify_written(db: PoloClickHouse, table: str, written: int) -> None:
    """The table (empty before the seed) holds exactly the rows just sent, or the seed stops.

    A write path can acknowledge an insert and keep only part of it (an endpoint that decoded
    one compressed frame of many did); the seed is the demo everyone looks at, so it checks.
    """
    result = db.query("seed.verify", "SELECT count() FROM {t:Identifier}", {"t": table})
    held = result.result_rows[0][0]
    if held != written:
        raise SeedError(
            f"{table}: the seed wrote {written} rows but the table holds {held}: "
            "rows were lost between the client and ClickHouse"
        )


Progress = Callable[[str, int, float], None]


def seed(
    db: PoloClickHouse,
    config: SeedConfig,
    *,
    replace: bool = False,
    progress: Progress | None = None,
) -> SeedResult:
    """Generate the organisation and write it through the ingestion path and the builders."""
    began = time.perf_counter()
    _check_empty(db, replace)
    rng = random.Random(config.random_seed + 1)
    org = plan(config)
    report = progress or (lambda _phase, _rows, _seconds: None)
    rows: dict[str, int] = {}

    def write(table: str, items: Sequence[Any]) -> None:
        started = time.perf_counter()
        rows[table] = db.insert_rows(table, items, batch_size=20_000)
        _verify_written(db, table, rows[table])
        report(table, rows[table], time.perf_counter() - started)

    write("resource_events", resource_events(org, TagResolver()))
    write("resource_relationships", relationships(org))
    write("lifecycle_events", lifecycle_events(org, rng))
    write("cost_daily", cost_rows(org, rng))
    write("collector_runs", collector_runs(org))
    built_rows = 0

    def day_built(counts: pipeline.DayCounts, done: int, total: int, elapsed: float) -> None:
        nonlocal built_rows
        built_rows += counts.rows
        if done % 7 == 0 or done == total:
            report(
                f"snapshots + ancestry + attributed cost, day {done}/{total}", built_rows, elapsed
            )

    pipeline.rebuild(db, org.day(0), config.end_date, day_built, version=1)
    rows["attribution"] = built_rows
    told = story(org)
    # The story is what everyone compares first: both windows must hold cost on every day and
    # end with the last cost day, or the demo would show missing days as a drop (issue 15).
    windows = window_completeness(db, told.model_dump())
    if not windows.complete or windows.last_cost_day != told.compare_end - timedelta(days=1):
        raise SeedError(f"the story's windows are not complete cost data: {windows}")
    return SeedResult(
        story=told,
        story_windows=windows,
        rows=rows,
        checksums=checksums(db),
        seconds=time.perf_counter() - began,
    )


def _print_progress(phase: str, count: int, seconds: float) -> None:
    rate = count / seconds if seconds > 0 else float(count)
    print(f"seed: {phase}: {count} rows in {seconds:.1f} s ({rate:,.0f} rows/s)", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    defaults = SeedConfig()
    parser = argparse.ArgumentParser(
        prog="python -m attribution.seed",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--customers", type=int, default=defaults.customers)
    parser.add_argument("--clusters", type=int, default=defaults.clusters, help="per customer")
    parser.add_argument("--resources", type=int, default=defaults.resources)
    parser.add_argument("--days", type=int, default=defaults.days)
    parser.add_argument("--random-seed", type=int, default=defaults.random_seed)
    parser.add_argument(
        "--end-date",
        type=date.fromisoformat,
        default=defaults.end_date,
        help="first day after the period (default: today, UTC)",
    )
    parser.add_argument("--url", help="ClickHouse URL (default: resolved like every Polo tool)")
    parser.add_argument("--replace", action="store_true", help="wipe existing Polo data first")
    args = parser.parse_args(argv)
    try:
        config = SeedConfig(
            customers=args.customers,
            clusters=args.clusters,
            resources=args.resources,
            days=args.days,
            random_seed=args.random_seed,
            end_date=args.end_date,
        )
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        with connect(args.url, create_database=True) as db:
            # Seeding a brand-new database is the common case (polo-up, a fresh clone).
            applied = apply_migrations(db)
            if applied:
                print(f"seed: applied {len(applied)} pending migration(s)")
            result = seed(db, config, replace=args.replace, progress=_print_progress)
    except (SeedError, MigrationError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 4
    except ClickHouseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    total = sum(v for k, v in result.rows.items())
    print(
        f"seed: done: {total} rows in {result.seconds:.1f} s "
        f"({total / max(result.seconds, 1e-9):,.0f} rows/s)"
    )
    s, w = result.story, result.story_windows
    print(
        f"seed: story: base [{s.base_start}, {s.base_end}) vs compare "
        f"[{s.compare_start}, {s.compare_end}); new cluster {s.new_cluster_node}; "
        f"{s.moved_resource} moves {s.moved_from} -> {s.moved_to}"
    )
    print(
        f"seed: story windows: cost on {w.base.days_with_cost} of {w.base.days} and "
        f"{w.compare.days_with_cost} of {w.compare.days} days ({w.compare.provisional_days} "
        f"provisional), last cost day {w.last_cost_day}; the API's default windows end there"
    )
    for table, digest in result.checksums.items():
        print(f"seed: checksum {table} {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
