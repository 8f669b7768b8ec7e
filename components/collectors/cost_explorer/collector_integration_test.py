"""Cost Explorer collector → embedded ClickHouse: rows, FINAL replacement of provisional days,
Decimal exactness, re-run idempotency and the `collector_runs` row.

Usage is priced at $1 per hour unless a test says otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import boto3
import pytest
from moto import mock_aws

from clickhouse.client import PoloClickHouse
from collectors.cost_explorer.api import ApiBudgetExceeded
from collectors.cost_explorer.collector import run_cost_collection
from collectors.cost_explorer.conftest import (
    PAYER_ACCOUNT,
    ServedOperation,
    ce_day,
    ce_group,
    ce_page,
    queue_ce_results,
    serve_operation,
)
from collectors.cost_explorer.settings import EC2_COMPUTE, CostExplorerSettings
from schema.migrate import apply_migrations

A1 = "111111111111"
BOX = "USE1-BoxUsage:m5.large"
EBS = "USE1-EBS:VolumeUsage.gp3"
SETTINGS = CostExplorerSettings(backfill_days=3, provisional_days=1, resource_days=2)
RUN1 = datetime(2024, 4, 1, 6, 0, tzinfo=UTC)
RUN2 = datetime(2024, 4, 3, 6, 0, tzinfo=UTC)
RUN3 = datetime(2024, 4, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def db(ch_client: Any) -> PoloClickHouse:
    polo = PoloClickHouse(ch_client)
    apply_migrations(polo)
    return polo


@pytest.fixture
def session() -> Iterator[boto3.Session]:
    with mock_aws():
        yield boto3.Session(region_name="us-east-1")


@pytest.fixture
def with_resources(session: boto3.Session) -> ServedOperation:
    """GetCostAndUsageWithResources answers (moto lacks the operation); each run adds its own."""
    return serve_operation(session, "GetCostAndUsageWithResources", [])


def discovery(*days: str, estimated: bool) -> dict[str, Any]:
    return ce_page(*(ce_day(d, [ce_group(A1, EC2_COMPUTE)], estimated=estimated) for d in days))


def resources(day: str, estimated: bool, **costs: str) -> dict[str, Any]:
    groups = [
        ce_group(resource.replace("_", "-"), BOX, billed=c, quantity=c)
        for resource, c in costs.items()
    ]
    return ce_day(day, groups, estimated=estimated)


def run(db: PoloClickHouse, session: boto3.Session, at: datetime, **changes: Any) -> Any:
    settings = SETTINGS.model_copy(update=changes)
    return run_cost_collection(db, session, settings, payer_account=PAYER_ACCOUNT, clock=lambda: at)


def final_rows(db: PoloClickHouse) -> dict[tuple[str, str, str], tuple[Decimal, int]]:
    result = db.query(
        "test.final_rows",
        "SELECT charge_period_start, usage_type, resource_id, billed_cost, is_provisional"
        " FROM cost_daily FINAL ORDER BY charge_period_start, usage_type, resource_id",
    )
    return {(d.isoformat(), u, r): (c, p) for d, u, r, c, p in result.result_rows}


def count(db: PoloClickHouse, sql: str) -> int:
    return db.query("test.count", sql).result_rows[0][0]


def first_run(db: PoloClickHouse, session: boto3.Session, with_resources: ServedOperation) -> Any:
    """Apr 1: Mar 29-31, all estimated; resource detail for Mar 30-31."""
    queue_ce_results(
        [
            discovery("2024-03-29", "2024-03-30", "2024-03-31", estimated=True),
            ce_page(
                ce_day(
                    "2024-03-29",
                    [
                        ce_group(A1, BOX, billed="10.0101516483", quantity="24"),
                        ce_group(A1, EBS, billed="0.8", quantity="10", unit="GB-Mo"),
                    ],
                    estimated=True,
                ),
                ce_day(
                    "2024-03-30", [ce_group(A1, BOX, billed="10", quantity="10")], estimated=True
                ),
                ce_day(
                    "2024-03-31", [ce_group(A1, BOX, billed="10", quantity="10")], estimated=True
                ),
            ),
        ]
    )
    with_resources.add(
        ce_page(
            resources("2024-03-30", True, i_aaa="6", i_bbb="4"),
            resources("2024-03-31", True, i_aaa="6", i_bbb="4"),
        )
    )
    return run(db, session, RUN1)


def second_run(db: PoloClickHouse, session: boto3.Session, with_resources: ServedOperation) -> Any:
    """Apr 3: AWS has finalised March (revised Mar 29-30, dropped the EBS line); April estimated."""
    queue_ce_results(
        [
            ce_page(
                *discovery("2024-03-29", "2024-03-30", "2024-03-31", estimated=False)[
                    "ResultsByTime"
                ],
                *discovery("2024-04-01", "2024-04-02", estimated=True)["ResultsByTime"],
            ),
            ce_page(
                ce_day("2024-03-29", [ce_group(A1, BOX, billed="10.02", quantity="10.02")]),
                ce_day("2024-03-30", [ce_group(A1, BOX, billed="10.5", quantity="10.5")]),
                ce_day("2024-03-31", [ce_group(A1, BOX, billed="10", quantity="10")]),
                token="next",
            ),
            ce_page(
                ce_day(
                    "2024-04-01", [ce_group(A1, BOX, billed="10", quantity="10")], estimated=True
                ),
                ce_day(
                    "2024-04-02", [ce_group(A1, BOX, billed="10", quantity="10")], estimated=True
                ),
            ),
        ]
    )
    with_resources.add(
        ce_page(
            resources("2024-04-01", True, i_aaa="10"), resources("2024-04-02", True, i_aaa="10")
        )
    )
    return run(db, session, RUN2, backfill_days=5)


def test_first_run_writes_cost_daily_rows_with_exact_decimals(db, session, with_resources) -> None:
    result = first_run(db, session, with_resources)
    assert with_resources.pending == 0
    assert result.api_calls == 3  # discovery, EC2 detail, EC2 resources for account A1
    assert final_rows(db) == {
        ("2024-03-29", BOX, ""): (Decimal("10.010152"), 1),
        ("2024-03-29", EBS, ""): (Decimal("0.800000"), 1),
        ("2024-03-30", BOX, "i-aaa"): (Decimal("6"), 1),
        ("2024-03-30", BOX, "i-bbb"): (Decimal("4"), 1),
        ("2024-03-31", BOX, "i-aaa"): (Decimal("6"), 1),
        ("2024-03-31", BOX, "i-bbb"): (Decimal("4"), 1),
    }
    row = db.query(
        "test.row",
        "SELECT account_id, region, service_name, consumed_quantity, pricing_unit,"
        " toTypeName(billed_cost), effective_cost"
        " FROM cost_daily FINAL WHERE usage_type = {u:String}",
        {"u": EBS},
    ).result_rows[0]
    assert row == (
        A1,
        "us-east-1",
        EC2_COMPUTE,
        Decimal("10"),
        "GB-Mo",
        "Decimal(18, 6)",
        Decimal("0.8"),
    )
    total = db.query("test.total", "SELECT sum(billed_cost) FROM cost_daily FINAL").result_rows
    assert total == [(Decimal("30.810152"),)]


def test_provisional_days_are_replaced_by_the_final_figures(db, session, with_resources) -> None:
    first_run(db, session, with_resources)
    result = second_run(db, session, with_resources)
    # discovery + 2 detail pages + resources (Apr 1-2 only: March is outside the 2-day window)
    assert result.api_calls == 4
    assert final_rows(db) == {
        ("2024-03-29", BOX, ""): (Decimal("10.02"), 0),
        ("2024-03-29", EBS, ""): (Decimal("0"), 0),  # gone from AWS: zeroed, not left behind
        # resource split collected on Apr 1 kept; the revision lands in the remainder
        ("2024-03-30", BOX, ""): (Decimal("0.5"), 0),
        ("2024-03-30", BOX, "i-aaa"): (Decimal("6"), 0),
        ("2024-03-30", BOX, "i-bbb"): (Decimal("4"), 0),
        ("2024-03-31", BOX, "i-aaa"): (Decimal("6"), 0),
        ("2024-03-31", BOX, "i-bbb"): (Decimal("4"), 0),
        ("2024-04-01", BOX, "i-aaa"): (Decimal("10"), 1),
        ("2024-04-02", BOX, "i-aaa"): (Decimal("10"), 1),
    }
    newest = db.query(
        "test.newest", "SELECT DISTINCT collected_at FROM cost_daily FINAL"
    ).result_rows
    assert [r[0].replace(tzinfo=UTC) for r in newest] == [RUN2]


def test_final_days_are_not_requested_again(db, session, with_resources) -> None:
    first_run(db, session, with_resources)
    second_run(db, session, with_resources)
    queue_ce_results(
        [
            discovery("2024-04-01", "2024-04-02", estimated=True),
            ce_page(
                ce_day(
                    "2024-04-01", [ce_group(A1, BOX, billed="10", quantity="10")], estimated=True
                ),
                ce_day(
                    "2024-04-02",
                    [ce_group(A1, BOX, billed="10.25", quantity="10.25")],
                    estimated=True,
                ),
            ),
        ]
    )
    with_resources.add(
        ce_page(
            resources("2024-04-01", True, i_aaa="10"), resources("2024-04-02", True, i_aaa="10")
        )
    )
    result = run(db, session, RUN3, backfill_days=5)
    assert (result.window_start.isoformat(), result.window_end.isoformat()) == (
        "2024-04-01",
        "2024-04-03",
    )
    assert result.api_calls == 3
    rows = final_rows(db)
    assert rows[("2024-04-02", BOX, "")] == (Decimal("0.25"), 1)
    assert rows[("2024-03-29", BOX, "")] == (Decimal("10.02"), 0)


def test_re_running_the_same_collection_adds_no_logical_duplicate(
    db, session, with_resources
) -> None:
    first_run(db, session, with_resources)
    before = final_rows(db)
    queue_ce_results([])  # moto answers repeated request bodies with the results they got first
    with_resources.add(
        ce_page(
            resources("2024-03-30", True, i_aaa="6", i_bbb="4"),
            resources("2024-03-31", True, i_aaa="6", i_bbb="4"),
        )
    )
    run(db, session, RUN1)
    assert final_rows(db) == before
    assert count(db, "SELECT count() FROM cost_daily FINAL") == 6
    assert count(db, "SELECT count() FROM cost_daily") == 12


def test_every_run_is_recorded_with_its_billed_requests(db, session, with_resources) -> None:
    first_run(db, session, with_resources)
    queue_ce_results([discovery("2024-04-01", "2024-04-02", estimated=True)])
    with pytest.raises(ApiBudgetExceeded):
        run(db, session, RUN2, max_api_calls=1)
    runs = db.query(
        "test.runs",
        "SELECT collector, account_id, region, rows_written, api_calls, status, error"
        " FROM collector_runs FINAL ORDER BY started_at",
    ).result_rows
    assert runs[0] == ("cost_explorer", PAYER_ACCOUNT, "us-east-1", 6, 3, "ok", "")
    assert runs[1][3:6] == (0, 1, "error")
    assert "budget of 1" in runs[1][6]
