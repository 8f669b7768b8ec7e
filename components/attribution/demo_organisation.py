"""The demo organisation and its history: accounts, networks, customers' clusters of instances
behind load balancers with their volumes, ENIs, Elastic IPs and snapshots, who owns what, and
when each resource starts, stops, moves or ends (the story of docs/attribution.md, "The seeded
story"). `plan` is pure: the same config gives the same organisation.

The rows written from it come from demo_inventory.py, demo_costs.py and demo_story.py.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel, Field

from collectors.common.arn import load_balancer_arn

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
# Its price rises in window B (demo_costs.py); `plan` keeps its instances steady.
PRICE_CHANGE_TYPE = "r6i.large"
# Tag keys vary the way they do in a real organisation; the resolver's aliases unify them.
CUSTOMER_KEYS = ("Customer", "customer-id", "marqo_customer")
CLUSTER_KEYS = ("Cluster", "cluster-name", "marqo_cluster")
ROLE_KEYS = ("Role", "role")


class SeedConfig(BaseModel):
    customers: int = Field(default=6, ge=2, le=len(CUSTOMER_NAMES))
    clusters: int = Field(default=2, ge=1, le=9, description="clusters per customer")
    resources: int = Field(default=600, ge=60, le=200_000)
    # Two whole calendar months before the current one, whatever day it is (31 + 31 + 31 < 100):
    # the demo's month-over-month and month-to-date comparisons, and the dashboard's 30 days
    # against the 30 before, all compare days that hold cost.
    days: int = Field(default=100, ge=2 * WINDOW_DAYS + 1, le=400)
    random_seed: int = 7
    end_date: date = Field(default_factory=lambda: datetime.now(UTC).date())
    """First day after the seeded period (exclusive), so the period ends yesterday by default."""


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
