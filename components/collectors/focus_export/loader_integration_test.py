"""FOCUS deliveries loaded by the engine from moto's S3: exact money, idempotent re-runs,
restated months replacing exactly their month, malformed files loading nothing, and the
export's final month taking precedence over Cost Explorer in cost_daily."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from clickhouse.client import PoloClickHouse
from collectors.cost_explorer.store import CostStore
from collectors.focus_export.conftest import (
    LineItem,
    deliver,
    line_items,
    not_focus_parquet,
    parquet,
)
from collectors.focus_export.loader import FocusLoadError, S3Reader, load_delivery

NOV = date(2026, 11, 1)
OCT = date(2026, 10, 1)
LOADED_AT = datetime(2026, 12, 6, tzinfo=UTC)


def month_state(db: PoloClickHouse, period: date) -> tuple[int, Decimal, Decimal]:
    count, billed, effective = db.query(
        "test.month",
        "SELECT count(), sum(billed_cost), sum(effective_cost) FROM cost_focus_line_items "
        "WHERE billing_period = {p:Date}",
        {"p": period},
    ).result_rows[0]
    return int(count), Decimal(billed), Decimal(effective)


def test_a_delivery_of_several_files_loads_every_line_with_exact_money(
    db: PoloClickHouse, s3: Any, reader: S3Reader
) -> None:
    first, second = line_items(NOV, 4_000, seed=1), line_items(NOV, 3_000, seed=2)
    manifest = deliver(s3, NOV, [parquet(first, NOV), parquet(second, NOV, money_as_double=True)])
    seen: list[tuple[int, int, int]] = []

    result = load_delivery(
        db, reader, manifest, final=False, progress=lambda f, n, rows, _s: seen.append((f, n, rows))
    )

    items = first + second
    assert result.status == "loaded"
    assert result.line_items == 7_000
    assert seen == [(1, 2, 4_000), (2, 2, 7_000)]
    assert month_state(db, NOV) == (
        7_000,
        sum((i.billed_cost for i in items), Decimal(0)),
        sum((i.effective_cost for i in items), Decimal(0)),
    )
    by_category = dict(
        db.query(
            "test.categories",
            "SELECT charge_category, count() FROM cost_focus_line_items GROUP BY charge_category",
        ).result_rows
    )
    assert by_category == {
        category: sum(1 for i in items if i.charge_category == category)
        for category in {i.charge_category for i in items}
    }
    tagged, committed, corrections = db.query(
        "test.details",
        "SELECT countIf(tags['customer'] != ''), countIf(commitment_discount_type = "
        "'Savings Plan'), countIf(charge_class = 'Correction') FROM cost_focus_line_items",
    ).result_rows[0]
    assert tagged == sum(1 for i in items if i.tags)
    assert committed == sum(1 for i in items if i.commitment_discount_id)
    assert corrections == sum(1 for i in items if i.charge_class)


def test_the_same_delivery_again_changes_nothing(
    db: PoloClickHouse, s3: Any, reader: S3Reader
) -> None:
    manifest = deliver(s3, NOV, [parquet(line_items(NOV, 500, seed=3), NOV)])
    load_delivery(db, reader, manifest, final=False)
    before = month_state(db, NOV)

    again = load_delivery(db, reader, manifest, final=False)

    assert again.status == "unchanged"
    assert month_state(db, NOV) == before


def test_a_restated_month_replaces_exactly_that_month(
    db: PoloClickHouse, s3: Any, reader: S3Reader
) -> None:
    october = line_items(OCT, 800, seed=4)
    load_delivery(db, reader, deliver(s3, OCT, [parquet(october, OCT)]), final=False)
    load_delivery(
        db, reader, deliver(s3, NOV, [parquet(line_items(NOV, 900, seed=5), NOV)]), final=False
    )
    october_before = month_state(db, OCT)

    restated = line_items(NOV, 600, seed=6)
    result = load_delivery(db, reader, deliver(s3, NOV, [parquet(restated, NOV)]), final=False)

    assert result.status == "loaded"
    assert month_state(db, NOV) == (
        600,
        sum((i.billed_cost for i in restated), Decimal(0)),
        sum((i.effective_cost for i in restated), Decimal(0)),
    )
    assert month_state(db, OCT) == october_before
    executions = db.query(
        "test.executions",
        "SELECT uniqExact(execution_id) FROM cost_focus_line_items WHERE billing_period = {p:Date}",
        {"p": NOV},
    ).result_rows[0][0]
    assert executions == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"PAR1 this is not parquet at all", "cannot be read as Parquet"),
        (None, "not a FOCUS export, missing columns"),
        ("Refund", "charge_category_known"),
    ],
)
def test_a_malformed_file_loads_nothing_and_keeps_the_previous_delivery(
    db: PoloClickHouse, s3: Any, reader: S3Reader, body: bytes | str | None, message: str
) -> None:
    load_delivery(
        db, reader, deliver(s3, NOV, [parquet(line_items(NOV, 700, seed=7), NOV)]), final=False
    )
    before = month_state(db, NOV)
    good = parquet(line_items(NOV, 300, seed=8), NOV)
    if body is None:
        body = not_focus_parquet()
    elif isinstance(body, str):  # a charge category FOCUS does not define
        body = parquet([replace(i, charge_category=body) for i in line_items(NOV, 10, 8)], NOV)
    broken = deliver(s3, NOV, [good, body])

    with pytest.raises(FocusLoadError, match=message) as caught:
        load_delivery(db, reader, broken, final=False)

    assert broken.data_files[1] in str(caught.value)
    assert month_state(db, NOV) == before
    staged = db.query("test.staged", "SELECT count() FROM cost_focus_staging").result_rows[0][0]
    assert staged == 0


def test_a_line_outside_its_billing_period_stops_the_load(
    db: PoloClickHouse, s3: Any, reader: S3Reader
) -> None:
    stray = line_items(OCT, 5, seed=9)
    manifest = deliver(s3, NOV, [parquet(line_items(NOV, 50, seed=10) + stray, NOV)])
    with pytest.raises(FocusLoadError, match="5 of 55 line items are outside"):
        load_delivery(db, reader, manifest, final=False)
    assert month_state(db, NOV)[0] == 0


def _line_name(item: LineItem) -> str:
    """cost_daily's usage type for a line item: a correction is an adjustment, any other line
    that is not usage is named by its category, usage by its usage type."""
    if item.charge_class == "Correction":
        return "Adjustment"
    if item.charge_category != "Usage":
        return item.charge_category
    return item.usage_type or "Usage"


def test_credits_tax_purchases_and_corrections_stay_their_own_lines_of_cost_daily(
    db: PoloClickHouse, s3: Any, reader: S3Reader
) -> None:
    day, instance = NOV + timedelta(days=3), "i-0000000000000abcd"

    def item(category: str, billed: str, effective: str, **kw: Any) -> LineItem:
        fields = {
            "charge_date": day,
            "account_id": "123456789012",
            "service_name": "Amazon Elastic Compute Cloud",
            "usage_type": "BoxUsage:m5.large",
            "resource_id": instance,
            "charge_category": category,
            "billed_cost": Decimal(billed),
            "effective_cost": Decimal(effective),
            "consumed_quantity": Decimal(24),
            **kw,
        }
        return LineItem(**fields)

    items = [
        # Hours covered by a Savings Plan: billed on demand, effective at the plan's rate.
        item("Usage", "10", "7.2", commitment_discount_type="Savings Plan"),
        # An SLA credit against the same hours, and a correction of an earlier month's hours.
        item("Credit", "-2", "-2", consumed_quantity=Decimal(0)),
        item("Usage", "-1.5", "-1.5", charge_class="Correction", consumed_quantity=Decimal(3)),
        item("Tax", "0.8", "0.8", service_name="Tax", usage_type="", resource_id=""),
        item("Purchase", "30", "0", usage_type="ComputeSavingsPlans", resource_id=""),
    ]
    load_delivery(db, reader, deliver(s3, NOV, [parquet(items, NOV)]), final=True)
    # The names the delta by charge category reads (attribution/charge_categories.py).
    rows = db.query(
        "test.lines",
        "SELECT service_name, usage_type, resource_id, billed_cost, effective_cost, "
        "consumed_quantity FROM cost_daily FINAL WHERE charge_period_start = {d:Date} "
        "ORDER BY usage_type",
        {"d": day},
    ).result_rows
    assert [(r[1], r[2], r[3], r[4], r[5]) for r in rows] == [
        ("Adjustment", instance, Decimal("-1.5"), Decimal("-1.5"), 0),
        ("BoxUsage:m5.large", instance, Decimal(10), Decimal("7.2"), 24),
        ("Credit", instance, Decimal(-2), Decimal(-2), 0),
        ("Purchase", "", Decimal(30), Decimal(0), 0),
        ("Tax", "", Decimal("0.8"), Decimal("0.8"), 0),
    ]


def _cost_daily(db: PoloClickHouse, period: date) -> dict[tuple[date, str], Decimal]:
    rows = db.query(
        "test.cost_daily",
        "SELECT charge_period_start, account_id, sum(billed_cost), max(is_provisional) "
        "FROM cost_daily FINAL WHERE toStartOfMonth(charge_period_start) = {p:Date} "
        "GROUP BY charge_period_start, account_id",
        {"p": period},
    ).result_rows
    assert all(row[3] == 0 for row in rows)
    return {(row[0], row[1]): Decimal(row[2]) for row in rows}


def test_a_final_month_replaces_cost_explorer_in_cost_daily_and_stays_final(
    db: PoloClickHouse, s3: Any, reader: S3Reader, cost_explorer_rows: Any
) -> None:
    CostStore(db).write(cost_explorer_rows(NOV) + cost_explorer_rows(OCT))
    october_before = _cost_daily(db, OCT)
    items = line_items(NOV, 2_000, seed=11)

    load_delivery(db, reader, deliver(s3, NOV, [parquet(items, NOV)]), final=True)

    # Each cost_daily key is the export's lines summed, then rounded to cost_daily's 6 places.
    keyed: dict[tuple[Any, ...], Decimal] = defaultdict(Decimal)
    for i in items:
        keyed[(i.charge_date, i.account_id, i.service_name, _line_name(i), i.resource_id)] += (
            i.billed_cost
        )
    expected: dict[tuple[date, str], Decimal] = defaultdict(Decimal)
    for key, total in keyed.items():
        expected[(key[0], key[1])] += total.quantize(Decimal("0.000001"), ROUND_HALF_UP)
    assert _cost_daily(db, NOV) == expected
    assert _cost_daily(db, OCT) == october_before
    final_days = CostStore(db).final_days(NOV, date(2026, 12, 1))
    assert len(final_days) == 30
