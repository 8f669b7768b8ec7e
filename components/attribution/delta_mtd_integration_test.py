"""cost_delta_mtd holds, for every month-to-date pair inside the data, the sums of its two windows
of what cost_attributed_daily holds; refreshing twice changes nothing, a dropped day is gone, and
the backfill (015, rebuilt by 017) builds the same pairs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from attribution.delta_blocks import refresh_days
from attribution.delta_mtd import TABLE, month_days
from clickhouse.client import PoloClickHouse
from schema.migrate import load_migrations

START = date(2026, 1, 20)
END = date(2026, 3, 11)  # data up to 10 March: March's pairs exist for 1..10 days


def _row(day: date, resource_id: str, customer: str, cost: Decimal) -> dict[str, Any]:
    return {
        "charge_date": day,
        "account_id": "111111111111",
        "region": "eu-west-1",
        "service_name": "EC2",
        "usage_type": "BoxUsage",
        "resource_id": resource_id,
        "resource_type": "ec2:instance",
        "marqo_customer": customer,
        "marqo_cluster": "",
        "marqo_role": "",
        "marqo_environment": "",
        "owner_rule": "tag:Customer",
        "is_idle": 0,
        "billed_cost": cost,
        "effective_cost": cost,
        "consumed_quantity": Decimal(24),
        "pricing_unit": "Hrs",
    }


def _fleet() -> list[dict[str, Any]]:
    rows = []
    for n in range((END - START).days):
        day = START + timedelta(days=n)
        # A different amount every day, so a day counted twice or missed changes every sum.
        cost = Decimal(2**n % 1009) + Decimal("0.000001") * n
        rows.append(_row(day, "i-a", "acme" if day < date(2026, 2, 10) else "globex", cost))
        if day.day % 3 == 0:
            rows.append(_row(day, "i-b", "acme", (cost / 2).quantize(Decimal("0.000001"))))
    return rows


def _load(db: PoloClickHouse, rows: list[dict[str, Any]]) -> None:
    db.insert_rows("cost_attributed_daily", rows)
    refresh_days(db, sorted({row["charge_date"] for row in rows}))


def _pairs(db: PoloClickHouse) -> dict[tuple[date, int], tuple[int, int]]:
    """(compare_start, compare_days) -> (cost_a, cost_b) in micro-units."""
    result = db.query(
        "t",
        f"SELECT compare_start, compare_days, sum(cost_a), sum(cost_b) FROM {TABLE} "
        "GROUP BY compare_start, compare_days",
    )
    return {(r[0], r[1]): (r[2], r[3]) for r in result.result_rows}


def _expected(rows: list[dict[str, Any]], end: date) -> dict[tuple[date, int], tuple[int, int]]:
    """Every pair whose compare window ends by `end`, from the rows."""

    def total(start: date, days: int) -> int:
        last = start + timedelta(days=days)
        cost = sum(
            (r["effective_cost"] for r in rows if start <= r["charge_date"] < last), Decimal(0)
        )
        return int(cost * 1_000_000)

    pairs = {}
    for first in (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)):
        previous = date(first.year, first.month - 1, 1) if first.month > 1 else date(2025, 12, 1)
        for days in range(1, month_days(first) + 1):
            if first + timedelta(days=days) > end:
                break
            base = total(previous, min(days, month_days(previous)))
            compare = total(first, days)
            if base or compare:
                pairs[(first, days)] = (base, compare)
    return pairs


def test_every_pair_inside_the_data_and_none_past_it(db: PoloClickHouse) -> None:
    rows = _fleet()
    _load(db, rows)
    assert _pairs(db) == _expected(rows, END)
    assert (date(2026, 3, 1), 10) in _pairs(db) and (date(2026, 3, 1), 11) not in _pairs(db)


def test_refreshing_twice_changes_nothing_and_a_dropped_day_is_gone(db: PoloClickHouse) -> None:
    rows = _fleet()
    _load(db, rows)
    before = _pairs(db)
    refresh_days(db, [date(2026, 2, 5)])
    assert _pairs(db) == before

    dropped = END - timedelta(days=1)
    db.command("t", "ALTER TABLE cost_attributed_daily DROP PARTITION {d:Date}", {"d": dropped})
    refresh_days(db, [dropped])
    kept = [row for row in rows if row["charge_date"] != dropped]
    # The data now ends a day earlier: the pair of 1-10 March is gone with its last day.
    assert _pairs(db) == _expected(kept, dropped)
    assert (date(2026, 3, 1), 10) not in _pairs(db)


def test_migration_backfills_the_same_pairs_as_the_refresh(db: PoloClickHouse) -> None:
    rows = _fleet()
    _load(db, rows)
    refreshed = _pairs(db)
    # Migration 017 rebuilds every pair from the blocks as 015's backfill did (plus resource_rows),
    # as on a database whose pairs predate it, and twice: re-running it counts nothing twice. The
    # backfill also writes the pairs past the data (correct until the next refresh drops them).
    migration = next(m for m in load_migrations() if m.name == "017_pair_resource_rows.sql")
    for _ in range(2):
        for statement in migration.statements:
            db.command("migration_017", statement.text)
        backfilled = _pairs(db)
        assert {pair: backfilled[pair] for pair in refreshed} == refreshed
        assert set(backfilled) - set(refreshed)
