from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from attribution.charge_category import CHARGES
from attribution.delta import (
    Components,
    CostLine,
    Window,
    WindowError,
    delta_nodes,
    delta_resources,
    node_components,
    rate_effect,
    validate_windows,
)
from attribution.nodes import logical_path
from testing.delta_fleets import BASE, COMPARE, all_nodes, fleets, window_pairs

D = Decimal
A = Window(start=date(2026, 3, 1), end=date(2026, 3, 3))
B = Window(start=date(2026, 3, 3), end=date(2026, 3, 5))


def line(day: int, key: str, cost: str, qty: str, owner=("acme", "k1", "api"), usage="Box"):
    return CostLine(
        day=date(2026, 3, 1) + timedelta(days=day),
        resource_key=key,
        usage_type=usage,
        cost=D(cost),
        quantity=D(qty),
        path=logical_path(*owner, key),
    )


def by_key(rows):
    return {r.resource_key: r for r in rows}


def test_price_change_is_rate_effect_and_volume_change_is_usage_effect() -> None:
    # 24 h/day at $0.10 in A, 24 h/day at $0.12 in B: all rate. Then 48 h/day at the same price.
    lines = [line(d, "i-price", "2.4", "24") for d in (0, 1)]
    lines += [line(d, "i-price", "2.88", "24") for d in (2, 3)]
    lines += [line(d, "i-usage", "2.4", "24") for d in (0, 1)]
    lines += [line(d, "i-usage", "4.8", "48") for d in (2, 3)]
    rows = by_key(delta_resources(lines, A, B))
    assert rows["i-price"].component == "continuing"
    assert rows["i-price"].rate_effect == D("0.96")
    assert rows["i-price"].usage_effect == 0
    assert rows["i-usage"].usage_effect == D("4.8")
    assert rows["i-usage"].rate_effect == 0
    assert not rows["i-price"].flagged


def test_both_effects_split_by_the_midpoint_formula() -> None:
    # qA=10 pA=1, qB=20 pB=2: usage = 10*(1+2)/2 = 15, rate = 1*(10+20)/2 = 15, delta = 30.
    lines = [line(0, "r", "10", "10"), line(2, "r", "40", "20")]
    row = delta_resources(lines, A, B)[0]
    assert (row.usage_effect, row.rate_effect, row.delta) == (D(15), D(15), D(30))


def test_rate_effect_rounds_half_away_from_zero_and_usage_takes_the_remainder() -> None:
    # (1/3 - 0)·(3 + 3)/2 = 1 exactly; then a case that needs rounding: 1e-6 / 3 units.
    assert rate_effect(D(0), D(3), D(1), D(3)) == D(1)
    assert rate_effect(D("0.000001"), D(2), D("0.000002"), D(2)) == D("0.000001")
    assert rate_effect(D("0.000002"), D(2), D("0.000001"), D(2)) == D("-0.000001")
    assert rate_effect(D(1), D(3), D(2), D(3)) == D(1)
    lines = [line(0, "r", "1", "3"), line(2, "r", "1.000001", "7")]
    row = delta_resources(lines, A, B)[0]
    assert row.rate_effect + row.usage_effect == D("0.000001")
    assert row.rate_effect == rate_effect(D(1), D(3), D("1.000001"), D(7))


def test_unknown_quantity_makes_the_whole_delta_usage_and_flags_the_resource() -> None:
    lines = [line(0, "r", "5", "0"), line(2, "r", "8", "4")]
    row = delta_resources(lines, A, B)[0]
    assert row.flagged
    assert (row.usage_effect, row.rate_effect) == (D(3), D(0))


def test_usage_type_in_one_window_only_is_usage_without_flag() -> None:
    lines = [line(0, "r", "5", "5"), line(2, "r", "5", "5"), line(2, "r", "2", "0", usage="Xfer")]
    row = delta_resources(lines, A, B)[0]
    assert not row.flagged
    assert (row.usage_effect, row.rate_effect) == (D(2), D(0))


def test_created_removed_and_transfer_between_customers() -> None:
    lines = [line(2, "new", "7", "1"), line(0, "gone", "3", "1")]
    lines += [line(0, "moved", "4", "1"), line(2, "moved", "6", "1", owner=("globex", "g1", "x"))]
    rows = by_key(delta_resources(lines, A, B, "customer:acme"))
    assert rows["new"].created == D(7)
    assert rows["gone"].removed == D(-3)
    assert rows["moved"].component == "transferred_out"
    assert rows["moved"].transferred_out == D(-4)
    globex = by_key(delta_resources(lines, A, B, "customer:globex"))
    assert globex["moved"].transferred_in == D(6)
    # At the root both owners are children: the move is an ordinary continuing resource.
    root = by_key(delta_resources(lines, A, B))
    assert root["moved"].component == "continuing"
    assert root["moved"].rate_effect == D(2)


def test_a_move_partway_through_a_window_is_a_transfer_at_both_children() -> None:
    # "moved" is in k1 all of A and the first day of B, then in k2: at k1 it was under the node
    # in both windows, but not on every day, so it is a transfer there too (in and out), and the
    # transfers of the two children net, at their common parent, to its continuing change.
    k2 = ("acme", "k2", "api")
    lines = [line(0, "moved", "4", "4"), line(1, "moved", "4", "4"), line(2, "moved", "5", "4")]
    lines.append(line(3, "moved", "6", "4", owner=k2))
    k1_row = by_key(delta_resources(lines, A, B, "cluster:acme/k1"))["moved"]
    assert k1_row.component == "transferred_out"  # its last day was in k2
    assert (k1_row.transferred_in, k1_row.transferred_out) == (D(5), D(-8))
    assert (k1_row.usage_effect, k1_row.rate_effect) == (D(0), D(0))
    k2_row = by_key(delta_resources(lines, A, B, "cluster:acme/k2"))["moved"]
    assert k2_row.component == "transferred_in"
    assert (k2_row.transferred_in, k2_row.transferred_out) == (D(6), D(0))
    parent = by_key(delta_resources(lines, A, B, "customer:acme"))["moved"]
    assert parent.component == "continuing"
    assert parent.usage_effect + parent.rate_effect == D(3)
    children = delta_nodes(lines, A, B, "customer:acme")
    transfers = sum((c.transferred_in + c.transferred_out for c in children), D(0))
    assert transfers == parent.usage_effect + parent.rate_effect
    # Counted under each child it was under, once at the parent.
    assert [c.resource_count for c in children] == [1, 1]
    assert [n.resource_count for n in delta_nodes(lines, A, B)] == [1]


def test_a_resource_created_or_removed_while_moving_stays_created_or_removed() -> None:
    k2 = ("acme", "k2", "api")
    lines = [line(2, "new", "1", "1"), line(3, "new", "2", "1", owner=k2)]
    lines += [line(0, "gone", "3", "1"), line(1, "gone", "4", "1", owner=k2)]
    children = {c.node_id: c for c in delta_nodes(lines, A, B, "customer:acme")}
    assert (children["cluster:acme/k1"].created, children["cluster:acme/k1"].removed) == (
        D(1),
        D(-3),
    )
    assert (children["cluster:acme/k2"].created, children["cluster:acme/k2"].removed) == (
        D(2),
        D(-4),
    )
    assert all(c.transferred_in == c.transferred_out == 0 for c in children.values())


def test_delta_nodes_returns_children_and_the_self_row_of_a_leaf() -> None:
    lines = [line(0, "a", "1", "1"), line(2, "b", "2", "1", owner=("acme", "k2", "db"))]
    assert {n.node_id for n in delta_nodes(lines, A, B)} == {"customer:acme"}
    assert {n.node_id for n in delta_nodes(lines, A, B, "customer:acme")} == {
        "cluster:acme/k1",
        "cluster:acme/k2",
    }
    leaf = delta_nodes(lines, A, B, "a")
    assert [(n.node_id, n.removed) for n in leaf] == [("a", D(-1))]
    assert delta_nodes(lines, A, B, "customer:nobody") == []


def test_overlapping_windows_are_rejected_and_unequal_ones_compared() -> None:
    with pytest.raises(WindowError, match=r"must not overlap.*2026-03-01.*2026-03-02"):
        validate_windows(A, Window(start=date(2026, 3, 2), end=date(2026, 3, 6)))
    with pytest.raises(WindowError):
        delta_nodes([], A, Window(start=date(2026, 2, 28), end=date(2026, 3, 2)))
    # A month against a longer one: raw totals by default, the extra day reads as usage.
    october = Window(start=date(2026, 3, 1), end=date(2026, 3, 3))
    november = Window(start=date(2026, 3, 3), end=date(2026, 3, 6))
    lines = [line(d, "i", "2.4", "24") for d in range(5)]
    row = delta_resources(lines, october, november)[0]
    assert (row.total_a, row.total_b, row.usage_effect, row.rate_effect) == (
        D("4.8"),
        D("7.2"),
        D("2.4"),
        D(0),
    )
    # Per day, the same instance at the same price did not change at all.
    daily = delta_resources(lines, october, november, normalise="daily")[0]
    assert (daily.total_a, daily.total_b, daily.delta, daily.component) == (
        D("2.4"),
        D("2.4"),
        0,
        "continuing",
    )


def test_daily_normalisation_rounds_each_row_and_keeps_its_components_exact() -> None:
    # 1/3 of a cent per day cannot be written in micro-dollars: rounded half away from zero.
    base = Window(start=date(2026, 3, 1), end=date(2026, 3, 4))
    compare = Window(start=date(2026, 3, 4), end=date(2026, 3, 5))
    lines = [line(0, "i", "0.01", "1"), line(3, "i", "0.02", "1")]
    lines += [line(3, "new", "0.000001", "1")]
    rows = by_key(delta_resources(lines, base, compare, normalise="daily"))
    assert rows["i"].total_a == D("0.003333")
    assert rows["i"].total_b == D("0.02")
    assert rows["i"].components_sum == rows["i"].delta
    assert rows["new"].created == D("0.000001")
    node = node_components(lines, base, compare, normalise="daily")
    assert node.components_sum == node.delta == D("0.016668")
    with pytest.raises(ValueError, match="normalise"):
        delta_nodes(lines, base, compare, normalise="weekly")  # type: ignore[arg-type]


def test_empty_or_reversed_window_is_rejected() -> None:
    with pytest.raises(ValidationError, match="must be after its start"):
        Window(start=date(2026, 3, 3), end=date(2026, 3, 3))


def test_cost_line_rejects_sub_micro_amounts_and_foreign_paths() -> None:
    with pytest.raises(ValidationError, match="6 decimal places"):
        line(0, "r", "0.0000001", "1")
    with pytest.raises(ValidationError, match="must end with the resource"):
        CostLine(
            day=date(2026, 3, 1),
            resource_key="r",
            usage_type="u",
            cost=D(1),
            quantity=D(1),
            path=("customer:a", "other"),
        )


@settings(max_examples=80, deadline=None)
@given(fleets())
def test_components_sum_exactly_to_the_delta_at_every_node(lines: list[CostLine]) -> None:
    for node in all_nodes(lines):
        total = node_components(lines, BASE, COMPARE, node)
        assert total.components_sum == total.delta
        for resource in delta_resources(lines, BASE, COMPARE, node):
            assert resource.components_sum == resource.delta


@settings(max_examples=80, deadline=None)
@given(fleets())
def test_children_sum_to_their_parent(lines: list[CostLine]) -> None:
    for node in all_nodes(lines):
        parent = node_components(lines, BASE, COMPARE, node)
        children = delta_nodes(lines, BASE, COMPARE, node)
        assert sum((c.total_a for c in children), D(0)) == parent.total_a
        assert sum((c.total_b for c in children), D(0)) == parent.total_b
        resources = {line.resource_key for line in lines}
        for child in children:
            if child.node_id not in resources:
                # A structural child's row is that child's own decomposition. (A resource is a
                # leaf reached from several parents over time, so its row counts only the days
                # it spent under this parent.)
                own = node_components(lines, BASE, COMPARE, child.node_id)
                assert child.model_dump(include=set(Components.model_fields)) == own.model_dump()


def _moved(c: Components) -> Decimal:
    return c.usage_effect + c.rate_effect + c.transferred_in + c.transferred_out


@settings(max_examples=80, deadline=None)
@given(fleets())
def test_transfers_between_children_net_at_their_parent(lines: list[CostLine]) -> None:
    # Component by component: the children's created and removed are the parent's, and their
    # continuing changes and transfers together are the parent's (a move between two children
    # is a transfer at each and continuing at the parent).
    for node in all_nodes(lines):
        parent = node_components(lines, BASE, COMPARE, node)
        children = delta_nodes(lines, BASE, COMPARE, node)
        assert sum((c.created for c in children), D(0)) == parent.created
        assert sum((c.removed for c in children), D(0)) == parent.removed
        assert sum((_moved(c) for c in children), D(0)) == _moved(parent)
        # A resource is counted under every child it was under: at least once. Its charge rows
        # are not resources; each category's children add up to the parent's.
        resources = delta_resources(lines, BASE, COMPARE, node)
        assert sum(c.resource_count for c in children) >= sum(
            r.component not in CHARGES for r in resources
        )
        for charge in CHARGES:
            assert sum((getattr(c, charge) for c in children), D(0)) == getattr(parent, charge)


@settings(max_examples=80, deadline=None)
@given(fleets())
def test_transferring_a_resource_between_owners_changes_no_total(lines: list[CostLine]) -> None:
    before = node_components(lines, BASE, COMPARE)
    moved_key = lines[0].resource_key
    moved = [
        line.model_copy(update={"path": logical_path("transfer-target", "t", "r", moved_key)})
        if line.resource_key == moved_key and line.day in COMPARE
        else line
        for line in lines
    ]
    assert node_components(moved, BASE, COMPARE) == before
    children = delta_nodes(moved, BASE, COMPARE)
    assert sum((c.delta for c in children), D(0)) == before.delta


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_unequal_windows_keep_both_invariants_raw_and_per_day(data: st.DataObject) -> None:
    base, compare = data.draw(window_pairs())
    lines = data.draw(fleets(max_resources=5, base=base, compare=compare))
    for normalise in ("none", "daily"):
        for node in all_nodes(lines):
            parent = node_components(lines, base, compare, node, normalise)
            assert parent.components_sum == parent.delta
            children = delta_nodes(lines, base, compare, node, normalise)
            for child in children:
                assert child.components_sum == child.delta
            for field in ("total_a", "total_b"):
                total = sum((getattr(c, field) for c in children), D(0))
                if normalise == "none":
                    assert total == getattr(parent, field)
                else:
                    # Each row is rounded once: to within half a micro-dollar per child.
                    assert abs(total - getattr(parent, field)) <= D("0.0000005") * len(children)
