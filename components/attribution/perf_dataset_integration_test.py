from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from attribution.charge_category import CHARGES
from attribution.perf_dataset import generate
from attribution.queries import run_query
from clickhouse.client import PoloClickHouse

START = date(2026, 1, 1)


def test_a_small_generated_dataset_has_the_shape_the_benchmarks_rely_on(
    db: PoloClickHouse,
) -> None:
    counts = generate(db, resources=2000, days=30, start=START)
    assert counts["cost_attributed_daily"] > 2000 * 25
    assert counts["resource_snapshots"] > 2000 * 25
    assert counts["resource_ancestry"] > counts["resource_snapshots"] * 5
    assert counts["cost_by_owner_daily"] > 0 and counts["lifecycle_events"] > 0
    # Every cost row is in one block per level (0..4), summed with the rows sharing its block.
    assert counts["cost_attributed_daily"] <= counts["cost_delta_blocks"]
    window = {
        "base_start": START + timedelta(days=16),
        "base_end": START + timedelta(days=23),
        "compare_start": START + timedelta(days=23),
        "compare_end": START + timedelta(days=30),
        "hierarchy": "logical",
        "node_id": "",
    }
    root = run_query(db, "delta_nodes", window)
    components = (
        "created",
        "removed",
        "usage_effect",
        "rate_effect",
        "transferred_in",
        "transferred_out",
        *CHARGES,
    )
    assert sum(r["delta"] for r in root) == sum(sum(r[c] for c in components) for r in root)
    # The generator's moves, price rise, late starts and expiring Savings Plan all show up.
    assert sum(r["rate_effect"] for r in root) > 0
    assert sum(r["commitment"] for r in root) > 0
    assert sum(r["transferred_in"] for r in root) > 0
    assert sum(r["flagged_resources"] for r in root) > 0
    physical = run_query(
        db,
        "delta_nodes",
        {**window, "hierarchy": "physical", "node_id": "region:100000000000/us-east-1"},
    )
    assert {r["node_type"] for r in physical} >= {"ec2:vpc"}
    tree = run_query(
        db,
        "hierarchy_tree",
        {
            "start": START,
            "end": START + timedelta(days=30),
            "as_of": START + timedelta(days=29),
            "hierarchy": "logical",
            "node_id": "",
        },
    )
    (coverage,) = run_query(db, "coverage", {"start": START, "end": START + timedelta(days=30)})
    assert sum(r["effective_cost"] for r in tree) == coverage["total_cost"]
    assert Decimal(0) < coverage["coverage_pct"] < Decimal(100)
