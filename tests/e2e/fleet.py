"""The simulated AWS organisation of the e2e stories, and what it implies (the truth).

Everything a story expects is computed here, in Decimal, from this definition alone: which
resources exist on which day, what each costs (usage type x quantity x price), and who owns it
(tags through aliases, else a parent through a relationship, else `unattributed`). None of it
reads ClickHouse or the project's SQL; the stories compare these numbers with the API's.

The organisation (docs/e2e.md has the picture):

- a management (payer) account, 123456789012, where Cost Explorer is asked;
- three member accounts, collected through the read role, in two regions;
- account 111111111111 (us-east-1): a VPC with two subnets, Acme's API and web instances (two
  alias spellings), an untagged worker behind Acme's load balancer (inherits through
  `behind_load_balancer`), Acme's NAT gateway and its Elastic IP (untagged: inherits through the
  NAT gateway's ENI), Globex's batch instance that is re-tagged to Initech on day 7, and Acme's
  second API instance launched by IAM user alice on day 9 with a data volume attached to it;
- account 222222222222: Globex's two search instances in eu-west-1 (m5.large, whose price rises
  on day 7), a detached untagged volume (unattributed), Initech's database in us-east-1;
- account 333333333333: an untagged stray instance (unattributed, with its root volume) in
  us-east-1, Initech's small instance in eu-west-1;
- AWS Support: cost without a resource id (unattributed).

Every instance's root volume is untagged and costs money, so it must inherit its instance's
owner. VPCs, subnets and ENIs cost nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

PAYER = "123456789012"
SHOP = "111111111111"
DATA = "222222222222"
SANDBOX = "333333333333"
MEMBERS: tuple[str, ...] = (SHOP, DATA, SANDBOX)
US = "us-east-1"
EU = "eu-west-1"
REGIONS: tuple[str, ...] = (US, EU)

DAYS = 14  # day 0 .. day 13; window A = days 0-6, window B = days 7-13
RETAG_DAY = 7  # globex-batch: customer-id Globex -> Initech (CreateTags by bob)
PRICE_DAY = 7  # EU-BoxUsage:m5.large 0.107 -> 0.12 per hour
LAUNCH_DAY = 9  # acme-api-2 (RunInstances by alice) + its data volume (CreateVolume, AttachVolume)

EC2 = "Amazon Elastic Compute Cloud - Compute"
EC2_OTHER = "EC2 - Other"
ELB = "Amazon Elastic Load Balancing"
SUPPORT = "AWS Support (Business)"
RESOURCE_SERVICES: tuple[str, ...] = (EC2, EC2_OTHER, ELB)

ALICE = f"arn:aws:iam::{SHOP}:user/alice"
BOB = f"arn:aws:iam::{SHOP}:user/bob"

MICRO = Decimal("0.000001")

# Owner tag aliases, restated from docs/collectors.md (first present alias wins).
ALIASES: dict[str, tuple[str, ...]] = {
    "customer": ("marqo_customer", "Customer", "customer", "customer-id", "customer_id"),
    "cluster": ("marqo_cluster", "Cluster", "cluster", "cluster-name"),
    "role": ("marqo_role", "Role", "role"),
}


@dataclass(frozen=True)
class Usage:
    service: str
    usage_type: str
    quantity: Decimal  # per day
    unit: str
    price: Decimal  # per unit, before any price change


@dataclass
class Resource:
    key: str
    kind: str  # instance | volume | nat | eip | alb | support
    account: str
    region: str
    usage: tuple[Usage, ...]
    tags: dict[str, str] = field(default_factory=dict)
    first_day: int = 0
    retags: dict[int, dict[str, str]] = field(default_factory=dict)  # day -> tags set that day
    parent: str | None = None  # key of the resource it inherits from
    relationship: str | None = None  # attached_to | associated_with | behind_load_balancer
    instance_type: str = ""
    subnet: str = "a"
    aws_id: str = ""  # filled in by the builder (moto's id; the ARN for a load balancer)

    def tags_on(self, day: int) -> dict[str, str]:
        tags = dict(self.tags)
        for when in sorted(self.retags):
            if when <= day:
                tags.update(self.retags[when])
        return tags

    def exists_on(self, day: int) -> bool:
        return day >= self.first_day


# Price changes: usage type -> (day, new price).
PRICE_CHANGES: dict[str, tuple[int, Decimal]] = {
    "EU-BoxUsage:m5.large": (PRICE_DAY, Decimal("0.12"))
}


def _hours(service: str, usage_type: str, price: str) -> Usage:
    return Usage(service, usage_type, Decimal(24), "Hrs", Decimal(price))


def _root(prefix: str) -> Usage:
    return Usage(
        EC2_OTHER, f"{prefix}-EBS:VolumeUsage.gp2", Decimal("0.25"), "GB-Mo", Decimal("0.1")
    )


def definition() -> dict[str, Resource]:
    """A fresh copy of the organisation (ids empty until built in moto)."""
    resources = [
        # --- 111111111111 / us-east-1 -------------------------------------------------------
        Resource(
            "acme-api-1",
            "instance",
            SHOP,
            US,
            (_hours(EC2, "USE1-BoxUsage:m5.large", "0.096"),),
            tags={"Customer": "Acme", "Cluster": "search", "Role": "api"},
            instance_type="m5.large",
        ),
        Resource(
            "acme-web-1",
            "instance",
            SHOP,
            US,
            (_hours(EC2, "USE1-BoxUsage:m5.large", "0.096"),),
            tags={"marqo_customer": "acme", "marqo_cluster": "search", "marqo_role": "web"},
            instance_type="m5.large",
            subnet="b",
        ),
        Resource(
            "lb-worker",
            "instance",
            SHOP,
            US,
            (_hours(EC2, "USE1-BoxUsage:t3.medium", "0.0416"),),
            parent="acme-alb",
            relationship="behind_load_balancer",
            instance_type="t3.medium",
            subnet="b",
        ),
        Resource(
            "acme-alb",
            "alb",
            SHOP,
            US,
            (_hours(ELB, "USE1-LoadBalancerUsage", "0.0225"),),
            tags={"Customer": "Acme", "Role": "lb"},
        ),
        Resource(
            "acme-nat",
            "nat",
            SHOP,
            US,
            (_hours(EC2_OTHER, "USE1-NatGateway-Hours", "0.045"),),
            tags={"Customer": "Acme", "Role": "nat"},
        ),
        Resource(
            "acme-nat-eip",
            "eip",
            SHOP,
            US,
            (_hours(EC2_OTHER, "USE1-PublicIPv4:InUseAddress", "0.005"),),
            parent="acme-nat",
            relationship="associated_with",
        ),
        Resource(
            "globex-batch",
            "instance",
            SHOP,
            US,
            (_hours(EC2, "USE1-BoxUsage:c5.xlarge", "0.17"),),
            tags={"customer-id": "Globex", "cluster": "batch", "role": "worker"},
            retags={RETAG_DAY: {"customer-id": "Initech"}},
            instance_type="c5.xlarge",
        ),
        Resource(
            "acme-api-2",
            "instance",
            SHOP,
            US,
            (_hours(EC2, "USE1-BoxUsage:m5.large", "0.096"),),
            tags={"Customer": "Acme", "Cluster": "search", "Role": "api"},
            first_day=LAUNCH_DAY,
            instance_type="m5.large",
            subnet="b",
        ),
        Resource(
            "acme-api-2/data",
            "volume",
            SHOP,
            US,
            (
                Usage(
                    EC2_OTHER, "USE1-EBS:VolumeUsage.gp3", Decimal("3.25"), "GB-Mo", Decimal("0.08")
                ),
            ),
            first_day=LAUNCH_DAY,
            parent="acme-api-2",
            relationship="attached_to",
        ),
        Resource(
            "support",
            "support",
            SHOP,
            "",
            (Usage(SUPPORT, "Business-Support", Decimal(1), "Dollar", Decimal("3.5")),),
        ),
        # --- 222222222222 -------------------------------------------------------------------
        Resource(
            "globex-eu-1",
            "instance",
            DATA,
            EU,
            (_hours(EC2, "EU-BoxUsage:m5.large", "0.107"),),
            tags={"Customer": "Globex", "Cluster": "eu", "Role": "search"},
            instance_type="m5.large",
        ),
        Resource(
            "globex-eu-2",
            "instance",
            DATA,
            EU,
            (_hours(EC2, "EU-BoxUsage:m5.large", "0.107"),),
            tags={"customer": "GLOBEX ", "cluster": "eu", "role": "search"},
            instance_type="m5.large",
            subnet="b",
        ),
        Resource(
            "orphan-volume",
            "volume",
            DATA,
            EU,
            (
                Usage(
                    EC2_OTHER, "EU-EBS:VolumeUsage.gp3", Decimal("1.6"), "GB-Mo", Decimal("0.088")
                ),
            ),
        ),
        Resource(
            "initech-db",
            "instance",
            DATA,
            US,
            (_hours(EC2, "USE1-BoxUsage:r6i.large", "0.126"),),
            tags={"Customer": "Initech", "Role": "db"},
            instance_type="r6i.large",
        ),
        # --- 333333333333 -------------------------------------------------------------------
        Resource(
            "stray",
            "instance",
            SANDBOX,
            US,
            (_hours(EC2, "USE1-BoxUsage:t3.micro", "0.0104"),),
            instance_type="t3.micro",
        ),
        Resource(
            "initech-eu",
            "instance",
            SANDBOX,
            EU,
            (_hours(EC2, "EU-BoxUsage:t3.small", "0.0228"),),
            tags={"customer_id": "Initech"},
            instance_type="t3.small",
        ),
    ]
    # Every instance has an untagged root volume attached to it, which costs money.
    roots = [
        Resource(
            f"{r.key}/root",
            "volume",
            r.account,
            r.region,
            (_root("EU" if r.region == EU else "USE1"),),
            first_day=r.first_day,
            parent=r.key,
            relationship="attached_to",
        )
        for r in resources
        if r.kind == "instance"
    ]
    return {r.key: r for r in resources + roots}


# ---------------------------------------------------------------------------------------------
# The truth: owners and costs per day, computed from the definition only.


@dataclass(frozen=True)
class Owner:
    customer: str
    cluster: str
    role: str

    @property
    def attributed(self) -> bool:
        return self.customer != "unattributed"


UNATTRIBUTED = Owner("unattributed", "", "")


def _normalise(value: str) -> str:
    return " ".join(value.split()).lower()


def _field(tags: dict[str, str], name: str) -> str:
    for alias in ALIASES[name]:
        value = tags.get(alias, "").strip()
        if value:
            return _normalise(value)
    return ""


def owner(fleet: dict[str, Resource], key: str, day: int) -> Owner:
    """Own customer tag, else the parent's owner (whole), else unattributed."""
    seen: set[str] = set()
    current: str | None = key
    while current is not None and current not in seen:
        seen.add(current)
        resource = fleet[current]
        tags = resource.tags_on(day)
        customer = _field(tags, "customer")
        if customer:
            return Owner(customer, _field(tags, "cluster"), _field(tags, "role"))
        current = resource.parent
    return UNATTRIBUTED


def price(usage: Usage, day: int) -> Decimal:
    change = PRICE_CHANGES.get(usage.usage_type)
    if change and day >= change[0]:
        return change[1]
    return usage.price


@dataclass(frozen=True)
class CostLine:
    """One resource's one usage type on one day (what Cost Explorer reports)."""

    day: int
    key: str
    account: str
    service: str
    usage_type: str
    quantity: Decimal
    unit: str
    cost: Decimal


def cost_lines(fleet: dict[str, Resource], day: int) -> list[CostLine]:
    lines = []
    for resource in fleet.values():
        if not resource.exists_on(day):
            continue
        for usage in resource.usage:
            cost = (usage.quantity * price(usage, day)).quantize(MICRO)
            lines.append(
                CostLine(
                    day,
                    resource.key,
                    resource.account,
                    usage.service,
                    usage.usage_type,
                    usage.quantity,
                    usage.unit,
                    cost,
                )
            )
    return lines


def all_lines(fleet: dict[str, Resource], days: range) -> list[CostLine]:
    return [line for day in days for line in cost_lines(fleet, day)]


def cost_by_customer(fleet: dict[str, Resource], days: range) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in all_lines(fleet, days):
        totals[owner(fleet, line.key, line.day).customer] += line.cost
    return dict(totals)


@dataclass(frozen=True)
class Coverage:
    total: Decimal
    attributed: Decimal
    unattributed: Decimal

    @property
    def pct(self) -> Decimal:
        return self.attributed / self.total * 100


def coverage(fleet: dict[str, Resource], days: range) -> Coverage:
    by_customer = cost_by_customer(fleet, days)
    total = sum(by_customer.values(), Decimal(0))
    unattributed = by_customer.get("unattributed", Decimal(0))
    return Coverage(total, total - unattributed, unattributed)


# ---------------------------------------------------------------------------------------------
# The delta decomposition, restated from DESIGN.md / docs/attribution.md for the logical
# hierarchy: per (node, resource), per usage type, with exact fractions.


def logical_path(o: Owner) -> list[str]:
    """The logical nodes a resource with owner `o` is under (root excluded)."""
    path = [f"customer:{o.customer}"]
    if o.cluster:
        path.append(f"cluster:{o.customer}/{o.cluster}")
    if o.role:
        path.append(f"role:{o.customer}/{o.cluster}/{o.role}")
    return path


def under(node: str, o: Owner) -> bool:
    return node == "" or node in logical_path(o)


def child_of(node: str, o: Owner, key: str) -> str:
    """The child of `node` a resource with owner `o` sits under (itself below its last level)."""
    path = ["", *logical_path(o)]
    index = path.index(node)
    return path[index + 1] if index + 1 < len(path) else f"resource:{key}"


@dataclass
class Decomposition:
    total_a: Decimal = Decimal(0)
    total_b: Decimal = Decimal(0)
    created: Decimal = Decimal(0)
    removed: Decimal = Decimal(0)
    usage_effect: Decimal = Decimal(0)
    rate_effect: Decimal = Decimal(0)
    transferred_in: Decimal = Decimal(0)
    transferred_out: Decimal = Decimal(0)
    resources: set[str] = field(default_factory=set)

    @property
    def delta(self) -> Decimal:
        return self.total_b - self.total_a

    def add(self, other: Decomposition) -> None:
        for name in (
            "total_a",
            "total_b",
            "created",
            "removed",
            "usage_effect",
            "rate_effect",
            "transferred_in",
            "transferred_out",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.resources |= other.resources


def _round_half_away(value: Fraction) -> Decimal:
    micro = value * 1_000_000
    sign = -1 if micro < 0 else 1
    whole, rest = divmod(abs(micro.numerator), micro.denominator)
    if 2 * rest >= micro.denominator:
        whole += 1
    return Decimal(sign * whole).scaleb(-6)


def classify(
    fleet: dict[str, Resource], node: str, key: str, a_days: range, b_days: range
) -> tuple[str, Decomposition] | None:
    """The resource's component and contribution relative to `node`, or None if never under it."""

    def sums(days: range, only_under: bool) -> dict[str, tuple[Decimal, Decimal]]:
        per_type: dict[str, tuple[Decimal, Decimal]] = {}
        for day in days:
            if only_under and not under(node, owner(fleet, key, day)):
                continue
            for line in cost_lines(fleet, day):
                if line.key == key:
                    c, q = per_type.get(line.usage_type, (Decimal(0), Decimal(0)))
                    per_type[line.usage_type] = (c + line.cost, q + line.quantity)
        return per_type

    a, b = sums(a_days, True), sums(b_days, True)
    if not a and not b:
        return None
    c_a = sum((c for c, _ in a.values()), Decimal(0))
    c_b = sum((c for c, _ in b.values()), Decimal(0))
    d = Decomposition(total_a=c_a, total_b=c_b, resources={key})
    if a and b:
        rate = Decimal(0)
        for usage_type in a.keys() & b.keys():
            (ca, qa), (cb, qb) = a[usage_type], b[usage_type]
            if qa > 0 and qb > 0:
                pa, pb = Fraction(ca) / Fraction(qa), Fraction(cb) / Fraction(qb)
                rate += _round_half_away((pb - pa) * (Fraction(qa) + Fraction(qb)) / 2)
        d.rate_effect = rate
        d.usage_effect = c_b - c_a - rate
        return "continuing", d
    if b:
        elsewhere = bool(sums(a_days, False))
        if elsewhere:
            d.transferred_in = c_b
            return "transferred_in", d
        d.created = c_b
        return "created", d
    elsewhere = bool(sums(b_days, False))
    if elsewhere:
        d.transferred_out = -c_a
        return "transferred_out", d
    d.removed = -c_a
    return "removed", d


def delta_children(
    fleet: dict[str, Resource], node: str, a_days: range, b_days: range
) -> dict[str, Decomposition]:
    """What `delta_nodes(node)` should answer: one decomposition per child of the node, each
    relative to that child (a child's row is the child's own decomposition)."""
    children: dict[str, set[str]] = defaultdict(set)
    for key in fleet:
        for day in list(a_days) + list(b_days):
            if not fleet[key].exists_on(day):
                continue
            o = owner(fleet, key, day)
            if under(node, o):
                children[child_of(node, o, key)].add(key)
    result: dict[str, Decomposition] = {}
    for child, keys in children.items():
        total = Decomposition()
        target = child if not child.startswith("resource:") else node
        for key in keys:
            found = classify(fleet, target, key, a_days, b_days)
            if found:
                total.add(found[1])
        result[child] = total
    return result


def resource_components(
    fleet: dict[str, Resource], node: str, a_days: range, b_days: range
) -> dict[str, tuple[str, Decomposition]]:
    """What `delta_resources(node)` should answer, by resource key."""
    result = {}
    for key in fleet:
        found = classify(fleet, node, key, a_days, b_days)
        if found:
            result[key] = found
    return result


def day_date(today: date, day: int, days: int = DAYS) -> date:
    """Simulated day `day` (0-based) of a run of `days` days that ends yesterday."""
    return today - timedelta(days=days - day)
