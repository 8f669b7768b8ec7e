"""Latency of every named query on 100 000 resources x 90 days, embedded ClickHouse.

Targets (issues 7 and 15): delta_nodes p95 < 100 ms at every kind of node for week over week,
calendar month over month and month to date (the precomputed pairs), < 250 ms for any other
windows up to 31 days (the blocks); delta_resources first page < 150 ms (the UI's page of 100
rows; the API's default page of 1000 rows is held to the same target), a page at offset 10 000
< 300 ms, other windows < 250 ms; every dashboard query (costs_by_customer,
costs_by_account_role, daily_trend, coverage, freshness) p95 < 50 ms; on 2 cores. The other
queries are reported without a target. Figures are printed as a table (p50 / p95 per query and
scenario) with the load average and the storage of the precomputed structures against
cost_attributed_daily, never asserted: a loaded machine must not fail the build. The dataset is
generated inside ClickHouse (attribution/perf_dataset.py).
"""

from __future__ import annotations

import os
import statistics
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client

from attribution.conftest import PERF_REPORT
from attribution.perf_dataset import generate
from attribution.queries import run_query
from clickhouse.client import PoloClickHouse
from schema.migrate import apply_migrations

# The targets are stated for 100 000 resources. POLO_PERF_RESOURCES runs the same scenarios on a
# smaller organisation (CI sets 20 000 to stay within its time budget: the full size takes ~15
# minutes there, most of it generating the dataset); the report's title says which size ran.
FULL_SIZE = 100_000
RESOURCES = int(os.environ.get("POLO_PERF_RESOURCES") or FULL_SIZE)
DAYS = 90
START = date(2026, 1, 1)
END = START + timedelta(days=DAYS)
ROUNDS = 20
# ClickHouse JIT-compiles an expression the third time it sees it (min_count_to_compile_expression
# = 3), so the first four runs of a query in a fresh process include compiling (a measured 4th
# run: 167 ms against 60 before and after). A running API pays that once; the benchmark measures
# the runs after it.
WARMUP_ROUNDS = 4
LAST_DAY = END - timedelta(days=1)
MONTH = {"start": END - timedelta(days=30), "end": END}
DELTA = {
    "base_start": END - timedelta(days=14),
    "base_end": END - timedelta(days=7),
    "compare_start": END - timedelta(days=7),
    "compare_end": END,
}
DELTA_30 = {
    "base_start": END - timedelta(days=60),
    "base_end": END - timedelta(days=30),
    "compare_start": END - timedelta(days=30),
    "compare_end": END,
}
# Calendar months of unequal length (February, 28 days, against March, 31: the month pairs), and
# month to date (the first 15 days of March against the first 15 of February: the month-to-date
# pairs).
MONTHS = {
    "base_start": date(2026, 2, 1),
    "base_end": date(2026, 3, 1),
    "compare_start": date(2026, 3, 1),
    "compare_end": date(2026, 4, 1),
}
MTD = {
    "base_start": date(2026, 2, 1),
    "base_end": date(2026, 2, 16),
    "compare_start": date(2026, 3, 1),
    "compare_end": date(2026, 3, 16),
}
ACCOUNT = "100000000000"
REGION = f"region:{ACCOUNT}/us-east-1"
VPC = f"vpc-{ACCOUNT}0"
RESOURCE_FILTERS = {
    "customer": "",
    "cluster": "",
    "role": "",
    "account_id": "",
    "resource_type": "",
    "state": "",
    "search": "",
    "sort": "cost",
    "direction": "desc",
    "limit": 100,
    "offset": 0,
}

DASHBOARD_TARGET_MS = 50
DELTA_TARGET_MS = 100
OTHER_WINDOWS_TARGET_MS = 250
FIRST_PAGE_TARGET_MS = 150
DEEP_PAGE_TARGET_MS = 300

# delta_nodes at one node of every kind: the API's default windows meet the target from the
# week-over-week pairs; 30-day windows read the blocks and are reported without one.
DELTA_NODES: list[tuple[str, dict[str, str]]] = [
    ("logical root", {"hierarchy": "logical", "node_id": ""}),
    ("logical customer", {"hierarchy": "logical", "node_id": "customer:cust0042"}),
    ("logical cluster", {"hierarchy": "logical", "node_id": "cluster:cust0042/k1"}),
    ("physical root", {"hierarchy": "physical", "node_id": ""}),
    ("physical account", {"hierarchy": "physical", "node_id": f"account:{ACCOUNT}"}),
    ("physical region", {"hierarchy": "physical", "node_id": REGION}),
    ("physical VPC", {"hierarchy": "physical", "node_id": VPC}),
]

# (query, scenario, parameters, target p95 in ms or None)
SCENARIOS: list[tuple[str, str, dict[str, Any], int | None]] = [
    ("costs_by_customer", "30 days", MONTH, DASHBOARD_TARGET_MS),
    ("costs_by_account_role", "30 days, all", {**MONTH, "customer": ""}, DASHBOARD_TARGET_MS),
    ("daily_trend", "30 days, all", {**MONTH, "customer": ""}, DASHBOARD_TARGET_MS),
    (
        "daily_trend",
        "30 days, one customer",
        {**MONTH, "customer": "cust0042"},
        DASHBOARD_TARGET_MS,
    ),
    ("coverage", "30 days", MONTH, DASHBOARD_TARGET_MS),
    ("freshness", "-", {}, DASHBOARD_TARGET_MS),
    *(
        ("delta_nodes", scenario, {**DELTA, **node}, DELTA_TARGET_MS)
        for scenario, node in DELTA_NODES
    ),
    *(
        ("delta_nodes", f"{scenario}, months (28 vs 31 days)", {**MONTHS, **node}, DELTA_TARGET_MS)
        for scenario, node in DELTA_NODES
    ),
    *(
        ("delta_nodes", f"{scenario}, month to date", {**MTD, **node}, DELTA_TARGET_MS)
        for scenario, node in DELTA_NODES
    ),
    *(
        (
            "delta_nodes",
            f"{scenario}, 30-day windows",
            {**DELTA_30, **node},
            OTHER_WINDOWS_TARGET_MS,
        )
        for scenario, node in DELTA_NODES
    ),
    (
        "delta_nodes",
        "logical customer, months, per day",
        {**MONTHS, **DELTA_NODES[1][1], "normalise": "daily"},
        DELTA_TARGET_MS,
    ),
    (
        "delta_resources",
        "logical customer, first page of 100",
        {**DELTA, "hierarchy": "logical", "node_id": "customer:cust0042", "limit": 100},
        FIRST_PAGE_TARGET_MS,
    ),
    (
        "delta_resources",
        "logical customer, 1000 rows",
        {**DELTA, "hierarchy": "logical", "node_id": "customer:cust0042"},
        FIRST_PAGE_TARGET_MS,
    ),
    (
        "delta_resources",
        "logical root, first page of 100",
        {**DELTA, "hierarchy": "logical", "node_id": "", "limit": 100},
        FIRST_PAGE_TARGET_MS,
    ),
    (
        "delta_resources",
        "logical root, page at offset 10000",
        {**DELTA, "hierarchy": "logical", "node_id": "", "limit": 100, "offset": 10_000},
        DEEP_PAGE_TARGET_MS,
    ),
    (
        "delta_resources",
        "physical VPC, first page of 100",
        {**DELTA, "hierarchy": "physical", "node_id": VPC, "limit": 100},
        FIRST_PAGE_TARGET_MS,
    ),
    (
        "delta_resources",
        "physical VPC, 1000 rows",
        {**DELTA, "hierarchy": "physical", "node_id": VPC},
        FIRST_PAGE_TARGET_MS,
    ),
    (
        "delta_resources",
        "logical customer, 30-day windows, first page of 100",
        {**DELTA_30, "hierarchy": "logical", "node_id": "customer:cust0042", "limit": 100},
        OTHER_WINDOWS_TARGET_MS,
    ),
    # The delta by charge category reads the attributed cost rows of both windows.
    *(
        ("delta_charges", scenario, {**DELTA, **DELTA_NODES[i][1]}, DELTA_TARGET_MS)
        for i, scenario in ((0, "logical root"), (1, "logical customer"), (6, "physical VPC"))
    ),
    (
        "delta_charges",
        "logical root, 30-day windows",
        {**DELTA_30, **DELTA_NODES[0][1]},
        OTHER_WINDOWS_TARGET_MS,
    ),
    (
        "delta_events",
        "one resource",
        {"resource_id": "i-019e", "start": DELTA["base_start"], "end": END},
        None,
    ),
    ("resources", "all, by cost", {"as_of": LAST_DAY, **RESOURCE_FILTERS}, None),
    (
        "resources",
        "one customer",
        {"as_of": LAST_DAY, **RESOURCE_FILTERS, "customer": "cust0042"},
        None,
    ),
    ("resources", "search", {"as_of": LAST_DAY, **RESOURCE_FILTERS, "search": "vol-1a"}, None),
    (
        "hierarchy_tree",
        "logical root",
        {**MONTH, "as_of": LAST_DAY, "hierarchy": "logical", "node_id": ""},
        None,
    ),
    (
        "hierarchy_tree",
        "physical region",
        {**MONTH, "as_of": LAST_DAY, "hierarchy": "physical", "node_id": REGION},
        None,
    ),
    (
        "node_cost_trend",
        "logical customer",
        {"hierarchy": "logical", "node_id": "customer:cust0042", **MONTH},
        None,
    ),
    ("node_cost_trend", "physical VPC", {"hierarchy": "physical", "node_id": VPC, **MONTH}, None),
]

_DATASET: dict[str, PoloClickHouse] = {}


def _load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@pytest.fixture
def perf_db(ch_client: Client) -> Iterator[PoloClickHouse]:
    """The generated dataset, built once for the module in a database of its own."""
    if not _DATASET:
        name = f"polo_perf_{uuid.uuid4().hex[:12]}"
        ch_client.command(f"CREATE DATABASE {name}")
        ch_client.database = name
        db = PoloClickHouse(ch_client)
        apply_migrations(db)
        began = time.perf_counter()
        counts = generate(
            db,
            resources=RESOURCES,
            days=DAYS,
            start=START,
            progress=lambda step, s: print(f"perf dataset: {step} in {s:.1f} s", flush=True),
        )
        total = sum(counts.values())
        seconds = time.perf_counter() - began
        PERF_REPORT.title = (
            f"named queries on {RESOURCES:,} resources x {DAYS} days, embedded ClickHouse, "
            f"{ROUNDS} runs each (dataset: {total:,} rows generated in {seconds:.0f} s; "
            f"load average {_load()} when the measurements started)"
        )
        if RESOURCES != FULL_SIZE:
            PERF_REPORT.title += (
                f"\nthe targets are for {FULL_SIZE:,} resources: at {RESOURCES:,} this run "
                "shows that every scenario answers, not that a target is met"
            )
        _DATASET[name] = db
    yield next(iter(_DATASET.values()))


@pytest.fixture(scope="module", autouse=True)
def _drop_dataset() -> Iterator[None]:
    yield
    for name, db in _DATASET.items():
        db.command("drop_perf", f"DROP DATABASE IF EXISTS {name} SYNC")
    _DATASET.clear()


@pytest.mark.parametrize(
    ("name", "scenario", "params", "target"),
    SCENARIOS,
    ids=[f"{name}[{scenario}]" for name, scenario, _, _ in SCENARIOS],
)
def test_named_query_latency(
    benchmark: Any,
    perf_db: PoloClickHouse,
    name: str,
    scenario: str,
    params: dict[str, Any],
    target: int | None,
) -> None:
    rows = benchmark.pedantic(
        run_query,
        args=(perf_db, name, params),
        rounds=ROUNDS,
        iterations=1,
        warmup_rounds=WARMUP_ROUNDS,
    )
    assert rows, f"{name} [{scenario}] returned nothing on the benchmark dataset"
    timings = [t * 1000 for t in benchmark.stats.stats.data]
    PERF_REPORT.rows.append(
        (name, scenario, statistics.median(timings), _percentile(timings, 0.95), target)
    )


# The precomputed structures, whose size is reported against the table they are built from.
PRECOMPUTED = (
    "cost_delta_blocks",
    "cost_delta_weeks",
    "cost_delta_months",
    "cost_delta_mtd",
    "cost_delta_roots",
    "cost_delta_pair_resources",
    "cost_delta_pair_moves",
)


def test_storage_of_the_precomputed_structures(perf_db: PoloClickHouse) -> None:
    """Runs last: the load average at the end, and the bytes on disk of each structure."""
    sizes = dict(
        perf_db.query(
            "perf.storage",
            "SELECT table, sum(bytes_on_disk) FROM system.parts "
            "WHERE database = currentDatabase() AND active GROUP BY table",
        ).result_rows
    )
    base = sizes["cost_attributed_daily"]
    PERF_REPORT.notes.append(f"load average at the end: {_load()}")
    PERF_REPORT.notes.append(f"cost_attributed_daily: {base / 2**20:,.1f} MiB on disk")
    for table in PRECOMPUTED:
        PERF_REPORT.notes.append(
            f"{table}: {sizes.get(table, 0) / 2**20:,.1f} MiB = "
            f"{sizes.get(table, 0) / base:.2f} x cost_attributed_daily"
        )
    total = sum(sizes.get(table, 0) for table in PRECOMPUTED)
    PERF_REPORT.notes.append(f"all precomputed: {total / base:.2f} x cost_attributed_daily")
    assert sizes.get("cost_delta_mtd", 0) > 0
