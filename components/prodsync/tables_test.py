from __future__ import annotations

import pytest

from prodsync.tables import DEFAULT_TABLES, TableSpec, select_tables


def test_default_tables_cover_the_data_model_except_the_rollup() -> None:
    names = [spec.name for spec in DEFAULT_TABLES]
    assert names == [
        "cost_daily",
        "resource_snapshots",
        "resource_ancestry",
        "cost_attributed_daily",
        "cost_allocations",
        "cost_delta_blocks",
        "cost_delta_weeks",
        "cost_delta_months",
        "cost_delta_mtd",
        "cost_delta_roots",
        "cost_delta_pair_resources",
        "cost_delta_pair_moves",
        "lifecycle_events",
        "resource_events",
        "collector_runs",
        "resource_relationships",
    ]
    attributed = next(s for s in DEFAULT_TABLES if s.name == "cost_attributed_daily")
    assert attributed.derived == (("cost_by_owner_daily", "charge_date"),)


def test_day_expressions() -> None:
    assert TableSpec(name="t", day_column="d").day_expression == "`d`"
    timed = TableSpec(name="t", day_column="at", day_column_is_datetime=True)
    assert timed.day_expression == "toDate(`at`, 'UTC')"
    with pytest.raises(ValueError, match="dimension table"):
        _ = TableSpec(name="t", day_column=None).day_expression


def test_selection_keeps_default_order_and_rejects_unknown_names() -> None:
    picked = select_tables(["resource_relationships", "cost_daily"])
    assert [s.name for s in picked] == ["cost_daily", "resource_relationships"]
    assert select_tables(None) == list(DEFAULT_TABLES)
    with pytest.raises(ValueError, match="unknown table"):
        select_tables(["cost_by_owner_daily"])
