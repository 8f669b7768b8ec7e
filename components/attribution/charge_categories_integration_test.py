"""`delta_charges` (SQL) answers as the Decimal reference at every node of random fleets.

Each example loads a random fleet whose lines are usage (some with a commitment discount: billed
above effective, or a fee below it), credits, adjustments, tax and purchases, and compares the
named query with attribution.charge_categories.delta_charges at every node, in both hierarchies,
raw and per day, over random unequal windows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attribution.charge_categories import ChargeLine, delta_charges
from attribution.charge_category import CATEGORIES, CHARGES, category_of
from attribution.delta import node_components
from attribution.delta_integration_test import EXAMPLES, load_fleet, params
from attribution.nodes import UNRESOURCED
from attribution.queries import INCLUDE_DIR, run_query
from clickhouse.client import ClickHouseQueryError, PoloClickHouse
from testing.delta_fleets import (
    UNRESOURCED_SERVICE,
    FleetLine,
    Hierarchy,
    all_nodes,
    fleets,
    window_pairs,
)

NAMED = ("Credit", "Adjustment", "Tax", "Purchase")
_discount = st.decimals(min_value=Decimal("-3"), max_value=Decimal("40"), places=6)


@st.composite
def charged(draw: st.DrawFn, lines: list[FleetLine]) -> list[FleetLine]:
    """The fleet's lines with some renamed to a charge category, each with its billed cost: its
    effective cost plus a discount on some usage lines (a commitment) and on some others."""
    out = []
    for line in lines:
        kind = draw(st.sampled_from(("usage", "usage", "commitment", *NAMED)))
        usage_type = kind if kind in NAMED else line.usage_type
        discount = draw(_discount) if kind != "usage" else Decimal(0)
        out.append(
            line.model_copy(update={"usage_type": usage_type, "billed": line.cost + discount})
        )
    return out


def _reference_lines(lines: list[FleetLine]) -> list[ChargeLine]:
    return [
        ChargeLine(
            day=line.day,
            path=line.path,
            service_name=UNRESOURCED_SERVICE
            if line.resource_key.startswith(UNRESOURCED)
            else "EC2",
            usage_type=line.usage_type,
            billed=line.cost if line.billed is None else line.billed,
            effective=line.cost,
        )
        for line in lines
    ]


def _params(node: str, hierarchy: str, *windows: Any) -> dict[str, Any]:
    """delta_integration_test's parameters without the basis: delta_charges answers both."""
    asked = params(node, hierarchy, *windows)
    del asked["basis"]
    return asked


def _as_tuple(row: object) -> tuple:
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return tuple(
        get(c) if c == "category" else Decimal(get(c))
        for c in (
            "category",
            "total_a",
            "total_b",
            "delta",
            "billed_total_a",
            "billed_total_b",
            "billed_delta",
        )
    )


@settings(EXAMPLES, max_examples=5)
@pytest.mark.parametrize("hierarchy", ["logical", "physical"])
@given(data=st.data())
def test_sql_matches_the_reference_at_every_node_raw_and_per_day(
    db: PoloClickHouse, hierarchy: Hierarchy, data: st.DataObject
) -> None:
    base, compare = data.draw(window_pairs(max_days=40))
    fleet = data.draw(fleets(max_resources=5, hierarchy=hierarchy, base=base, compare=compare))
    lines = data.draw(charged(fleet))
    load_fleet(db, lines, hierarchy)
    reference = _reference_lines(lines)
    for node in sorted(all_nodes(lines)):
        for normalise in ("none", "daily"):
            asked = _params(node, hierarchy, base, compare, normalise)
            sql = run_query(db, "delta_charges", asked)
            assert [r["category"] for r in sql] == list(CATEGORIES)
            expected = delta_charges(reference, base, compare, node, normalise)
            assert [_as_tuple(r) for r in sql] == [
                _as_tuple(r) for r in expected
            ], f"delta_charges differs at node {node!r} ({normalise})"
            # The lines add up to the node's change: the decomposition's own, exactly, on both
            # bases; and the decomposition's charge components are these lines' changes.
            if normalise == "none":
                by_category = {r["category"]: r for r in sql}
                for basis, delta in (("effective", "delta"), ("billed", "billed_delta")):
                    own = node_components(lines, base, compare, node, normalise, basis)
                    assert sum(r[delta] for r in sql) == own.delta
                    for charge in CHARGES:
                        assert getattr(own, charge) == by_category[charge][delta], (node, basis)


def test_tax_by_service_is_tax_in_sql_as_in_python(db: PoloClickHouse) -> None:
    cases = [
        ("Tax", "USE-Tax", "tax"),
        ("Amazon S3", "Tax", "tax"),
        ("Amazon EC2", "Credit", "credit"),
        ("Amazon EC2", "CreditUsage:t3.micro", "usage"),
        ("AWS Support", "Adjustment", "adjustment"),
        ("Savings Plans", "Purchase", "purchase"),
        ("Amazon EC2", "BoxUsage:m5.large", "usage"),
    ]
    rule = (INCLUDE_DIR / "charge_category.sql").read_text()
    body = "\n".join(line for line in rule.splitlines() if not line.lstrip().startswith("--"))
    for service, usage, category in cases:
        sql = f"WITH {body.rstrip().rstrip(',')} SELECT charge_category({{s:String}}, {{u:String}})"
        (answer,) = db.query("t", sql, {"s": service, "u": usage}).result_rows[0]
        assert answer == category == category_of(service, usage)


def test_bad_parameters_fail_with_the_delta_messages(db: PoloClickHouse) -> None:
    base, compare = _params("", "logical")["base_start"], _params("", "logical")["compare_start"]
    overlapping = {**_params("", "logical"), "compare_start": base, "compare_end": compare}
    with pytest.raises(ClickHouseQueryError, match="must not overlap"):
        run_query(db, "delta_charges", overlapping)
    with pytest.raises(ClickHouseQueryError, match="normalise must be none or daily"):
        run_query(db, "delta_charges", {**_params("", "logical"), "normalise": "weekly"})
    with pytest.raises(ClickHouseQueryError, match="hierarchy must be logical or physical"):
        run_query(db, "delta_charges", _params("", "spatial"))
