"""The delta by charge category (Decimal reference): categories, the commitment line, exact sums."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attribution.charge_categories import ChargeLine, delta_charges
from attribution.charge_category import CATEGORIES
from attribution.delta import Window, WindowError

A = Window(start=date(2026, 3, 1), end=date(2026, 3, 8))
B = Window(start=date(2026, 3, 8), end=date(2026, 3, 15))
PATH = ("customer:acme", "cluster:acme/k1", "role:acme/k1/api", "i-1")


def _line(day: date, usage: str, billed: str, effective: str, service: str = "EC2") -> ChargeLine:
    return ChargeLine(
        day=day,
        path=PATH,
        service_name=service,
        usage_type=usage,
        billed=Decimal(billed),
        effective=Decimal(effective),
    )


def test_an_expiring_savings_plan_is_a_commitment_change_not_a_usage_change() -> None:
    # Same hours at the same on-demand price in both weeks; the plan covered A at 72 % and
    # nothing in B.
    lines = [_line(A.start + timedelta(days=d), "BoxUsage:m5.large", "10", "7.2") for d in range(7)]
    lines += [_line(B.start + timedelta(days=d), "BoxUsage:m5.large", "10", "10") for d in range(7)]
    rows = {r.category: r for r in delta_charges(lines, A, B)}
    assert [r.category for r in delta_charges(lines, A, B)] == list(CATEGORIES)
    assert rows["usage"].delta == rows["usage"].billed_delta == 0
    assert rows["commitment"].total_a == Decimal("-19.6")
    assert rows["commitment"].delta == Decimal("19.6")
    assert rows["commitment"].billed_delta == 0
    assert sum(r.delta for r in rows.values()) == Decimal("70") - Decimal("50.4")


def test_credits_tax_and_purchases_are_their_own_lines_on_both_bases() -> None:
    lines = [
        _line(A.start, "BoxUsage:m5.large", "100", "100"),
        _line(B.start, "BoxUsage:m5.large", "100", "100"),
        _line(B.start, "Credit", "-25", "-25"),
        _line(A.start, "Tax", "8", "8", service="Tax"),
        _line(B.start, "Tax", "6", "6", service="Tax"),
        # A Savings Plan's recurring fee: billed in full, its effective cost the unused part.
        _line(B.start, "Purchase", "30", "2"),
    ]
    rows = {r.category: r for r in delta_charges(lines, A, B)}
    assert (rows["credit"].delta, rows["credit"].billed_delta) == (Decimal(-25), Decimal(-25))
    assert rows["tax"].delta == Decimal(-2)
    assert (rows["purchase"].delta, rows["purchase"].billed_delta) == (Decimal(2), Decimal(30))
    assert rows["usage"].delta == rows["adjustment"].delta == 0


def test_cost_outside_the_node_or_the_windows_is_not_counted() -> None:
    elsewhere = ChargeLine(
        day=A.start,
        path=("customer:globex", "i-2"),
        service_name="EC2",
        usage_type="BoxUsage",
        billed=Decimal(5),
        effective=Decimal(5),
    )
    later = _line(B.end, "BoxUsage", "9", "9")
    rows = delta_charges([elsewhere, later], A, B, "customer:acme")
    assert all(r.total_a == r.total_b == r.billed_total_a == 0 for r in rows)
    root = {r.category: r for r in delta_charges([elsewhere, later], A, B)}
    assert root["usage"].total_a == 5 and root["usage"].total_b == 0


def test_overlapping_windows_are_rejected() -> None:
    with pytest.raises(WindowError, match="share days"):
        delta_charges([], A, Window(start=date(2026, 3, 5), end=date(2026, 3, 9)))


_money = st.decimals(min_value=Decimal("-50"), max_value=Decimal("500"), places=6)
_lines = st.lists(
    st.builds(
        ChargeLine,
        day=st.dates(min_value=A.start - timedelta(days=2), max_value=B.end + timedelta(days=2)),
        path=st.sampled_from([PATH, ("customer:globex", "i-2"), ("customer:acme", "i-3")]),
        service_name=st.sampled_from(["EC2", "Tax", "AWS Support"]),
        usage_type=st.sampled_from(["BoxUsage", "Credit", "Adjustment", "Tax", "Purchase"]),
        billed=_money,
        effective=_money,
    ),
    max_size=30,
)


@given(lines=_lines, node=st.sampled_from(["", "customer:acme", "customer:globex", "i-1"]))
def test_the_lines_sum_to_the_node_total_exactly_on_both_bases(
    lines: list[ChargeLine], node: str
) -> None:
    rows = delta_charges(lines, A, B, node)
    under = [line for line in lines if node == "" or node in line.path]
    for window, a, b in ((A, "total_a", "billed_total_a"), (B, "total_b", "billed_total_b")):
        inside = [line for line in under if window.start <= line.day < window.end]
        assert sum(getattr(r, a) for r in rows) == sum(x.effective for x in inside)
        assert sum(getattr(r, b) for r in rows) == sum(x.billed for x in inside)
    for r in rows:
        assert r.delta == r.total_b - r.total_a
        assert r.billed_delta == r.billed_total_b - r.billed_total_a


@given(lines=_lines)
def test_per_day_rows_are_each_window_per_day_rounded_once(lines: list[ChargeLine]) -> None:
    b = Window(start=B.start, end=B.start + timedelta(days=3))
    raw = delta_charges(lines, A, b)
    daily = delta_charges(lines, A, b, normalise="daily")
    for r, d in zip(raw, daily, strict=True):
        assert abs(d.total_a - r.total_a / 7) <= Decimal("0.0000005")
        assert abs(d.billed_total_b - r.billed_total_b / 3) <= Decimal("0.0000005")
