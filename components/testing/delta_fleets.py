"""Random fleets for the delta property tests (hypothesis strategies).

A fleet is a list of cost lines over two adjacent windows: resources that exist in one or both
windows, change owner (or physical place) on some day, carry one or two usage types, sometimes have
an unknown (zero) quantity or a negative cost, and sometimes are AWS cost without a resource id. A
line's billed cost is sometimes not its effective cost (a commitment covered it), and some lines are
charges rather than usage: a credit, tax, an adjustment or a purchase (usage type named by its
category, attribution/charge_category.py). Some resources are missing from the inventory on some or
all days (an EBS snapshot, a bucket the collectors do not list, lost events): on those days they
have no snapshot, so they are unattributed in the logical hierarchy and hang directly under their
region in the physical one, as the attribution engine places them. Lines are placed in the logical
or the physical hierarchy. The same fleets drive the Decimal property tests and the integration
tests that hold the SQL named queries to the same answers. The windows are two adjacent 3-day ones
by default; `window_pairs` draws others, usually of unequal length.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from hypothesis import strategies as st

from attribution.delta import CostLine, Window
from attribution.nodes import account_node, logical_path, region_node, resource_key

START = date(2026, 3, 1)
DAYS = 3
BASE = Window(start=START, end=START + timedelta(days=DAYS))
COMPARE = Window(start=BASE.end, end=BASE.end + timedelta(days=DAYS))

ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"
UNRESOURCED_SERVICE = "AWS Support"

OWNERS: tuple[tuple[str, str, str], ...] = (
    ("acme", "k1", "api"),
    ("acme", "k1", "worker"),
    ("acme", "k2", "api"),
    ("acme", "", "db"),
    ("globex", "g1", "api"),
    ("globex", "", ""),
    ("unattributed", "", ""),
)

_A_EU = (account_node(ACCOUNT_A), region_node(ACCOUNT_A, "eu-west-1"))
# Physical places: the path above a resource. The last one nests under resource r-000, so
# r-000 is a resource with children (an instance with an attached volume).
PLACES: tuple[tuple[str, ...], ...] = (
    (*_A_EU, "vpc-1", "subnet-1"),
    (*_A_EU, "vpc-1", "subnet-2"),
    _A_EU,
    (account_node(ACCOUNT_A), region_node(ACCOUNT_A, "us-east-1")),
    (account_node(ACCOUNT_B), region_node(ACCOUNT_B, "eu-west-1"), "vpc-9", "subnet-9"),
    (*_A_EU, "vpc-1", "subnet-1", "r-000"),
)
USAGE_TYPES = ("BoxUsage:m5.large", "EBS:VolumeUsage.gp3")
CHARGE_TYPES = ("Credit", "Tax", "Adjustment", "Purchase")

Hierarchy = Literal["logical", "physical"]


class FleetLine(CostLine):
    """A cost line and whether its resource was in that day's inventory (had a snapshot).

    The reference ignores it (the path says where the line is); the SQL tests write closure rows
    only for lines in the inventory, as the hierarchy builder does.
    """

    in_inventory: bool = True


_money = st.decimals(min_value=Decimal("-5"), max_value=Decimal("500"), places=6, allow_nan=False)
_quantity = st.one_of(
    st.just(Decimal(0)),
    st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("1000"), places=6),
)


def _path(hierarchy: Hierarchy, place: int, key: str, in_inventory: bool) -> tuple[str, ...]:
    if hierarchy == "logical":
        return logical_path(*(OWNERS[place] if in_inventory else OWNERS[-1]), key)
    return (*(PLACES[place] if in_inventory else PLACES[place][:2]), key)


@st.composite
def window_pairs(draw: st.DrawFn, max_days: int = 62) -> tuple[Window, Window]:
    """A base and a compare window of 1..max_days days each (usually unequal), the compare
    window after the base one, adjacent or a few days later."""
    a = draw(st.integers(min_value=1, max_value=max_days))
    b = draw(st.integers(min_value=1, max_value=max_days))
    gap = draw(st.integers(min_value=0, max_value=3))
    base = Window(start=START, end=START + timedelta(days=a))
    compare_start = base.end + timedelta(days=gap)
    return base, Window(start=compare_start, end=compare_start + timedelta(days=b))


def _window_days(base: Window, compare: Window) -> list[date]:
    return [
        window.start + timedelta(days=i) for window in (base, compare) for i in range(window.days)
    ]


@st.composite
def _resource(
    draw: st.DrawFn, index: int, hierarchy: Hierarchy, base: Window, compare: Window
) -> list[FleetLine]:
    unresourced = index == 1 and draw(st.booleans())
    key = f"r-{index:03d}"
    places = len(OWNERS) if hierarchy == "logical" else len(PLACES)
    allowed = list(range(places))
    if hierarchy == "physical" and index == 0:
        # r-000 is the parent of the last place: it stays put, so that place stays consistent.
        allowed = [0]
    place_a = draw(st.sampled_from(allowed))
    # Most resources stay where they are; some move from a random day on.
    place_b = draw(st.one_of(st.just(place_a), st.sampled_from(allowed)))
    all_days = _window_days(base, compare)
    switch = draw(st.integers(min_value=0, max_value=len(all_days)))
    if unresourced:
        # AWS cost without a resource id: always unattributed, always directly in its region.
        key = resource_key("", ACCOUNT_A, "eu-west-1", UNRESOURCED_SERVICE)
        place_a = place_b = len(OWNERS) - 1 if hierarchy == "logical" else 2
    usage_types = draw(
        st.lists(st.sampled_from(USAGE_TYPES + CHARGE_TYPES), min_size=1, max_size=2, unique=True)
    )
    day_numbers = st.integers(min_value=0, max_value=len(all_days) - 1)
    days = draw(st.sets(day_numbers, min_size=1))
    # Days without a snapshot. Never for r-000, which other resources are attached to (the
    # closure table lists a parent as long as a child names it), nor for unresourced cost, which
    # never has one.
    missing: frozenset[int] | set[int] = frozenset()
    if index > 0 and not unresourced:
        missing = draw(st.one_of(st.just(frozenset()), st.sets(day_numbers, min_size=1)))
    lines = []
    for offset in sorted(days):
        place = place_a if offset < switch else place_b
        in_inventory = not unresourced and offset not in missing
        for usage_type in usage_types:
            lines.append(
                FleetLine(
                    day=all_days[offset],
                    resource_key=key,
                    usage_type=usage_type,
                    cost=draw(_money),
                    billed=draw(st.one_of(st.none(), _money)),
                    quantity=draw(_quantity),
                    path=_path(hierarchy, place, key, in_inventory),
                    in_inventory=in_inventory,
                )
            )
    return lines


@st.composite
def fleets(
    draw: st.DrawFn,
    max_resources: int = 8,
    hierarchy: Hierarchy = "logical",
    base: Window = BASE,
    compare: Window = COMPARE,
) -> list[FleetLine]:
    """Cost lines of 1..max_resources resources over `base` and `compare`."""
    count = draw(st.integers(min_value=1, max_value=max_resources))
    return [
        line for index in range(count) for line in draw(_resource(index, hierarchy, base, compare))
    ]


def all_nodes(lines: list[CostLine]) -> set[str]:
    """Every node id that some line passes through, plus the root."""
    return {""} | {node for line in lines for node in line.path}
