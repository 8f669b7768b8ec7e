"""Delta decomposition, the Decimal reference implementation (docs/attribution.md).

Given a base window A, a compare window B (both `[start, end)`, equal length) and a node of a
hierarchy, every resource r under the node is classified relative to that node:

- continuing: under the node in A and in B. Its delta c_B - c_A splits into a usage effect and a
  rate effect. Per usage type present in both windows with positive quantities,
  rate = (p_B - p_A)·(q_A + q_B)/2 with p = c / q, rounded half away from zero to 1e-6; the
  usage effect is the exact remainder c_B - c_A - Σ rate, so the two always add up to the delta
  to the last digit. A usage type present in both windows with an unknown (zero) quantity on
  either side contributes nothing to the rate effect and flags the resource: its change is
  reported as usage because nothing better is known. A usage type present in one window only is
  new or ceased consumption of a continuing resource: usage effect, not flagged.
- created: under the node in B only, and with no cost anywhere in A: + c_B.
- removed: under the node in A only, and with no cost anywhere in B: - c_A.
- transferred: the resource had cost in both windows (anywhere) and, on some day of A or B it
  had cost, it was not under the node (its owner or place changed): transferred in = + c_B and
  transferred out = - c_A, both counting only its days under the node. The row's label is
  `transferred_in` when it was under the node in B only, `transferred_out` in A only; under the
  node in both windows (it moved partway through), `transferred_in` when its last day with cost
  was under the node, else `transferred_out`.

Charge lines (docs/attribution.md, "Charge lines"): what is not usage is not classified with the
resources. A line's `cost` is its effective cost and `billed` its billed cost; by its charge
category (attribution/charge_category.py) a usage line counts its billed cost as above, and the
difference effective - billed (what Savings Plans and Reserved Instances took off) is a
commitment line; a credit, adjustment, tax or purchase line is a line of that category. Each
category's component is the change of its lines under the node (c_B - c_A), so an expiring
Savings Plan is a commitment change, not a rate effect of every instance it covered. On the
billed basis (`basis="billed"`) there is no commitment line and the other categories count their
billed cost: the components then add up to the change of billed cost. In delta_resources a
resource's lines of one category are a row of their own (component = the category).

c_A, c_B and q_A, q_B only count the days the resource was under the node (ownership is per day).
Hence at every node: created + removed + usage + rate + transferred_in + transferred_out +
commitment + credit + adjustment + tax + purchase = total_B - total_A exactly, and the children's
deltas add up to their parent's. A resource that moved between two children of a node (at a window
boundary or partway through a window) is a transfer at each child it was under and an ordinary
continuing resource at the node itself: the children's transfers net to the node's usage and rate
effect for it, component by component (the children's created, removed, and usage + rate + transfers
add up to the node's).

Windows may differ in length (calendar months): the default is raw totals, like AWS. With
`normalise="daily"` each window's cost and quantity are divided by its number of days (a run
rate per day). To stay exact, the decomposition runs on A scaled by B's length and B by A's
(integers times micro-units, no rounding), and each reported amount of a row is that exact
result divided by len(A)·len(B), rounded half away from zero to 1e-6; the row's usage effect is
the remainder, so its components still sum exactly to its delta. Rows are rounded separately, so
normalised children add up to their parent to within 0.5e-6 per child (to the cent).

The SQL named queries (`components/api/src/queries/delta_*.sql`) implement the same rules in
integer micro-units; the property tests compare the two on random fleets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from attribution.charge_category import CHARGES, Category, category_of
from attribution.nodes import ROOT

MICRO = 10**6
_QUANTUM = Decimal(1).scaleb(-6)

Component = Literal[
    "created",
    "removed",
    "continuing",
    "transferred_in",
    "transferred_out",
    "commitment",
    "credit",
    "adjustment",
    "tax",
    "purchase",
]
Normalise = Literal["none", "daily"]
Basis = Literal["effective", "billed"]


class WindowError(ValueError):
    """The two windows cannot be compared (empty, reversed or overlapping)."""


class Window(BaseModel):
    """A `[start, end)` window of days."""

    model_config = ConfigDict(frozen=True)

    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end <= self.start:
            raise WindowError(
                f"window end {self.end.isoformat()} must be after its start "
                f"{self.start.isoformat()} (windows are [start, end), end exclusive)"
            )
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end


def validate_windows(base: Window, compare: Window) -> None:
    """Reject overlapping windows (empty and reversed ones cannot be built).

    Windows may differ in length: the components still sum exactly to the difference of the
    raw totals. A day in both windows would be counted on both sides of the comparison.
    """
    if base.start < compare.end and compare.start < base.end:
        raise WindowError(
            f"windows must not overlap: base window [{base.start.isoformat()}, "
            f"{base.end.isoformat()}) and compare window [{compare.start.isoformat()}, "
            f"{compare.end.isoformat()}) share days"
        )


def round_div(value: Decimal, divisor: int) -> Decimal:
    """value / divisor rounded half away from zero to 1e-6 (value has at most 6 decimals)."""
    if divisor == 1:
        return value
    micro = int(value.scaleb(6))
    magnitude = (2 * abs(micro) + divisor) // (2 * divisor)
    return Decimal(magnitude if micro >= 0 else -magnitude).scaleb(-6)


def _finish(exact: Components, divisor: int) -> dict[str, Decimal]:
    """The reported amounts of a row: each divided and rounded, usage the exact remainder."""
    out = {name: round_div(getattr(exact, name), divisor) for name in Components.model_fields}
    out["usage_effect"] = (
        out["total_b"]
        - out["total_a"]
        - out["created"]
        - out["removed"]
        - out["rate_effect"]
        - out["transferred_in"]
        - out["transferred_out"]
        - sum((out[charge] for charge in CHARGES), Decimal(0))
    )
    return out


def _check_micro(value: Decimal | None) -> Decimal | None:
    if value is not None and (not value.is_finite() or value != value.quantize(_QUANTUM)):
        raise ValueError(f"{value} is not a finite amount with at most 6 decimal places")
    return value


class CostLine(BaseModel):
    """One day of cost of one usage type of one resource, placed in a hierarchy.

    `path` lists the node ids from the top level (customer or account) down to the resource
    itself, as the resource was placed on `day`. `cost` is the effective cost, `billed` the billed
    cost (None: the same, nothing committed); `service_name` and `usage_type` give the line's
    charge category.
    """

    model_config = ConfigDict(frozen=True)

    day: date
    resource_key: str = Field(min_length=1)
    usage_type: str
    cost: Decimal
    quantity: Decimal
    path: tuple[str, ...] = Field(min_length=1)
    billed: Decimal | None = None
    service_name: str = ""

    _check_amounts = field_validator("cost", "quantity", "billed")(_check_micro)

    @model_validator(mode="after")
    def _path_ends_at_resource(self) -> CostLine:
        if self.path[-1] != self.resource_key:
            raise ValueError(
                f"path {self.path!r} must end with the resource itself ({self.resource_key!r})"
            )
        return self


class Components(BaseModel):
    """Totals of both windows and the parts their difference is made of."""

    model_config = ConfigDict(frozen=True)

    total_a: Decimal = Decimal(0)
    total_b: Decimal = Decimal(0)
    created: Decimal = Decimal(0)
    removed: Decimal = Decimal(0)
    usage_effect: Decimal = Decimal(0)
    rate_effect: Decimal = Decimal(0)
    transferred_in: Decimal = Decimal(0)
    transferred_out: Decimal = Decimal(0)
    commitment: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)
    adjustment: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)
    purchase: Decimal = Decimal(0)

    @property
    def delta(self) -> Decimal:
        return self.total_b - self.total_a

    @property
    def components_sum(self) -> Decimal:
        return (
            self.created
            + self.removed
            + self.usage_effect
            + self.rate_effect
            + self.transferred_in
            + self.transferred_out
            + self.commitment
            + self.credit
            + self.adjustment
            + self.tax
            + self.purchase
        )


class ResourceDelta(Components):
    """One resource under a node, classified relative to that node."""

    resource_key: str
    component: Component
    flagged: bool


class NodeDelta(Components):
    """One child of the node the decomposition was asked for."""

    node_id: str
    resource_count: int
    flagged_resources: int


def rate_effect(c_a: Decimal, q_a: Decimal, c_b: Decimal, q_b: Decimal) -> Decimal:
    """(p_B - p_A)·(q_A + q_B)/2, rounded half away from zero to 1e-6.

    Computed as one exact integer division in micro-units,
    (C_B·Q_A - C_A·Q_B)·(Q_A + Q_B) / (2·Q_A·Q_B), so that the SQL (Int256) and this function
    round the same rational number the same way. Quantities must be positive.
    """
    if q_a <= 0 or q_b <= 0:
        raise ValueError("rate effect needs positive quantities in both windows")
    ca, qa, cb, qb = (int(v.scaleb(6)) for v in (c_a, q_a, c_b, q_b))
    numerator = (cb * qa - ca * qb) * (qa + qb)
    denominator = 2 * qa * qb
    magnitude = (2 * abs(numerator) + denominator) // (2 * denominator)
    micro = magnitude if numerator >= 0 else -magnitude
    return Decimal(micro).scaleb(-6)


def child_of(path: tuple[str, ...], node_id: str) -> str | None:
    """The child of `node_id` on `path`, the node itself when it ends the path, else None."""
    if node_id == ROOT:
        return path[0]
    try:
        index = path.index(node_id)
    except ValueError:
        return None
    return path[index + 1] if index + 1 < len(path) else node_id


def is_under(path: tuple[str, ...], node_id: str) -> bool:
    return node_id == ROOT or node_id in path


class _Sums:
    """Cost and quantity of one usage type of one resource in each window."""

    __slots__ = ("c_a", "c_b", "in_a", "in_b", "q_a", "q_b")

    def __init__(self) -> None:
        self.c_a = self.c_b = self.q_a = self.q_b = Decimal(0)
        self.in_a = self.in_b = False


class _Presence:
    """Where one resource had cost, over both windows."""

    __slots__ = ("a", "b", "groups", "last_day", "last_group")

    def __init__(self) -> None:
        self.a = self.b = False
        self.groups: set[str | None] = set()
        self.last_day: date | None = None
        self.last_group: str | None = None


# A resource's lines of one kind: its usage (None) or one charge category.
_Kind = tuple[str, Category | None]


def _classify(kind: _Kind, group: str, items: dict[str, _Sums], seen: _Presence) -> ResourceDelta:
    key, charge = kind
    c_a = sum((s.c_a for s in items.values()), Decimal(0))
    c_b = sum((s.c_b for s in items.values()), Decimal(0))
    in_a = any(s.in_a for s in items.values())
    in_b = any(s.in_b for s in items.values())
    totals = {"total_a": c_a, "total_b": c_b}
    if charge is not None:
        # Charge lines are not classified: their change is their category's.
        return ResourceDelta(
            resource_key=key, component=charge, flagged=False, **{charge: c_b - c_a}, **totals
        )
    moved = len(seen.groups) > 1
    if in_a and in_b and not moved:
        rate = Decimal(0)
        flagged = False
        for s in items.values():
            if not (s.in_a and s.in_b):
                continue
            if s.q_a > 0 and s.q_b > 0:
                rate += rate_effect(s.c_a, s.q_a, s.c_b, s.q_b)
            else:
                flagged = True
        return ResourceDelta(
            resource_key=key,
            component="continuing",
            flagged=flagged,
            rate_effect=rate,
            usage_effect=c_b - c_a - rate,
            **totals,
        )
    if not seen.a:
        return ResourceDelta(
            resource_key=key, component="created", flagged=False, created=c_b, **totals
        )
    if not seen.b:
        return ResourceDelta(
            resource_key=key, component="removed", flagged=False, removed=-c_a, **totals
        )
    # Cost in both windows, not always under this group: a transfer, in and out.
    ended_here = in_b and (not in_a or seen.last_group == group)
    return ResourceDelta(
        resource_key=key,
        component="transferred_in" if ended_here else "transferred_out",
        flagged=False,
        transferred_in=c_b,
        transferred_out=-c_a,
        **totals,
    )


def _parts(line: CostLine, basis: Basis) -> list[tuple[Category | None, str, Decimal, Decimal]]:
    """The decomposition's lines of a cost line on `basis`: (charge category or None for usage,
    usage type, amount, quantity). A charge line of no money is left out, as the blocks leave
    it out (migration 021); a usage line is always kept (it says the resource was there)."""
    billed = line.cost if line.billed is None else line.billed
    category = category_of(line.service_name, line.usage_type)
    if category == "usage":
        parts: list[tuple[Category | None, str, Decimal, Decimal]] = [
            (None, line.usage_type, billed, line.quantity)
        ]
        if basis == "effective":
            parts.append(("commitment", "", line.cost - billed, Decimal(0)))
    else:
        parts = [(category, "", line.cost if basis == "effective" else billed, Decimal(0))]
    return [part for part in parts if part[0] is None or part[2] != 0]


def _check_basis(basis: Basis) -> None:
    if basis not in ("effective", "billed"):
        raise ValueError(f"basis must be 'effective' or 'billed', not {basis!r}")


def _scales(base: Window, compare: Window, normalise: Normalise) -> tuple[int, int, int]:
    """(factor of A's amounts, factor of B's, divisor of the results) for the view asked."""
    if normalise == "none":
        return 1, 1, 1
    if normalise == "daily":
        return compare.days, base.days, base.days * compare.days
    raise ValueError(f"normalise must be 'none' or 'daily', not {normalise!r}")


def _group(
    lines: Iterable[CostLine],
    base: Window,
    compare: Window,
    node_id: str,
    by_child: bool,
    normalise: Normalise = "none",
    basis: Basis = "effective",
) -> tuple[dict[tuple[str, _Kind], dict[str, _Sums]], dict[_Kind, _Presence]]:
    validate_windows(base, compare)
    _check_basis(basis)
    scale_a, scale_b, _ = _scales(base, compare, normalise)
    groups: dict[tuple[str, _Kind], dict[str, _Sums]] = defaultdict(lambda: defaultdict(_Sums))
    presence: dict[_Kind, _Presence] = defaultdict(_Presence)
    for line in lines:
        in_a, in_b = line.day in base, line.day in compare
        if not (in_a or in_b):
            continue
        group = child_of(line.path, node_id) if by_child else node_id
        if not by_child and not is_under(line.path, node_id):
            group = None
        for charge, usage_type, amount, quantity in _parts(line, basis):
            kind = (line.resource_key, charge)
            seen = presence[kind]
            seen.a |= in_a
            seen.b |= in_b
            seen.groups.add(group)
            if seen.last_day is None or line.day > seen.last_day:
                seen.last_day, seen.last_group = line.day, group
            if group is None:
                continue
            sums = groups[(group, kind)][usage_type]
            if in_a:
                sums.c_a += amount * scale_a
                sums.q_a += quantity * scale_a
                sums.in_a = True
            if in_b:
                sums.c_b += amount * scale_b
                sums.q_b += quantity * scale_b
                sums.in_b = True
    return groups, presence


def delta_resources(
    lines: Iterable[CostLine],
    base: Window,
    compare: Window,
    node_id: str = ROOT,
    normalise: Normalise = "none",
    basis: Basis = "effective",
) -> list[ResourceDelta]:
    """Every resource under `node_id`, classified relative to that node, and each of its charge
    categories as a row of its own, largest |delta| first."""
    groups, presence = _group(lines, base, compare, node_id, False, normalise, basis)
    divisor = _scales(base, compare, normalise)[2]
    rows = []
    for (node, kind), items in groups.items():
        exact = _classify(kind, node, items, presence[kind])
        if divisor != 1:
            amounts = _finish(exact, divisor)
            if kind[1] is not None:
                # A charge row is its delta, as the row's rounded totals give it.
                amounts[kind[1]] = amounts["total_b"] - amounts["total_a"]
                amounts["usage_effect"] = Decimal(0)
            exact = exact.model_copy(update=amounts)
        rows.append(exact)
    return sorted(rows, key=lambda r: (-abs(r.delta), r.resource_key, r.component))


def delta_nodes(
    lines: Iterable[CostLine],
    base: Window,
    compare: Window,
    node_id: str = ROOT,
    normalise: Normalise = "none",
    basis: Basis = "effective",
) -> list[NodeDelta]:
    """The children of `node_id` (the node itself for its own cost), largest |delta| first."""
    groups, presence = _group(lines, base, compare, node_id, True, normalise, basis)
    divisor = _scales(base, compare, normalise)[2]
    fields = list(Components.model_fields)
    per_child: dict[str, dict[str, Decimal]] = defaultdict(
        lambda: dict.fromkeys(fields, Decimal(0))
    )
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (child, kind), items in groups.items():
        resource = _classify(kind, child, items, presence[kind])
        acc = per_child[child]
        for name in fields:
            acc[name] += getattr(resource, name)
        # Charge lines are not resources (they still make their child a row).
        counts[child][0] += int(kind[1] is None)
        counts[child][1] += int(resource.flagged)
    rows = [
        NodeDelta(
            node_id=child,
            resource_count=counts[child][0],
            flagged_resources=counts[child][1],
            **_finish(Components(**acc), divisor),
        )
        for child, acc in per_child.items()
    ]
    return sorted(rows, key=lambda r: (-abs(r.delta), r.node_id))


def node_components(
    lines: Iterable[CostLine],
    base: Window,
    compare: Window,
    node_id: str = ROOT,
    normalise: Normalise = "none",
    basis: Basis = "effective",
) -> Components:
    """The decomposition of `node_id` itself: the sum of its resources' exact components (each
    amount rounded once, for the normalised view)."""
    groups, presence = _group(lines, base, compare, node_id, False, normalise, basis)
    divisor = _scales(base, compare, normalise)[2]
    fields = list(Components.model_fields)
    acc = dict.fromkeys(fields, Decimal(0))
    for (node, kind), items in groups.items():
        resource = _classify(kind, node, items, presence[kind])
        for name in fields:
            acc[name] += getattr(resource, name)
    return Components(**_finish(Components(**acc), divisor))
