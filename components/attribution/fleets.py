"""Random fleets for the delta property tests (hypothesis strategies).

A fleet is a list of cost lines over two adjacent windows: resources that exist in one or both
windows, change owner on some day, carry one or two usage types, and sometimes have an unknown
(zero) quantity or a negative cost (a credit). It is shared by the Decimal property tests and by
the integration tests that hold the SQL named queries to the same answers.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from attribution.delta import CostLine, Window
from attribution.nodes import logical_path

START = date(2026, 3, 1)
DAYS = 3
BASE = Window(start=START, end=START + timedelta(days=DAYS))
COMPARE = Window(start=BASE.end, end=BASE.end + timedelta(days=DAYS))

OWNERS: tuple[tuple[str, str, str], ...] = (
    ("acme", "k1", "api"),
    ("acme", "k1", "worker"),
    ("acme", "k2", "api"),
    ("globex", "g1", "api"),
    ("globex", "", ""),
    ("", "", ""),
)
USAGE_TYPES = ("BoxUsage:m5.large", "EBS:VolumeUsage.gp3")

_money = st.decimals(min_value=Decimal("-5"), max_value=Decimal("500"), places=6, allow_nan=False)
_quantity = st.one_of(
    st.just(Decimal(0)),
    st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("1000"), places=6),
)


@st.composite
def _resource(draw: st.DrawFn, index: int) -> list[CostLine]:
    key = f"r-{index:03d}"
    owner_a = draw(st.sampled_from(OWNERS))
    # Most resources keep their owner; some move to another one from a random day on.
    owner_b = draw(st.one_of(st.just(owner_a), st.sampled_from(OWNERS)))
    switch = draw(st.integers(min_value=0, max_value=2 * DAYS))
    usage_types = draw(st.lists(st.sampled_from(USAGE_TYPES), min_size=1, max_size=2, unique=True))
    days = draw(st.sets(st.integers(min_value=0, max_value=2 * DAYS - 1), min_size=1))
    lines = []
    for offset in sorted(days):
        owner = owner_a if offset < switch else owner_b
        for usage_type in usage_types:
            lines.append(
                CostLine(
                    day=START + timedelta(days=offset),
                    resource_key=key,
                    usage_type=usage_type,
                    cost=draw(_money),
                    quantity=draw(_quantity),
                    path=logical_path(*owner, key),
                )
            )
    return lines


@st.composite
def fleets(draw: st.DrawFn, max_resources: int = 8) -> list[CostLine]:
    """Cost lines of 1..max_resources resources over BASE and COMPARE."""
    count = draw(st.integers(min_value=1, max_value=max_resources))
    return [line for index in range(count) for line in draw(_resource(index))]


def all_nodes(lines: list[CostLine]) -> set[str]:
    """Every node id that some line passes through, plus the root."""
    return {""} | {node for line in lines for node in line.path}
