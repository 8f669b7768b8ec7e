"""cost_delta_blocks + resource_ancestry → `cost_delta_mtd`: month-to-date pairs for
`delta_nodes` (the first k days of a month against the same days of the month before).

A pair (migration 015) is (compare_start, compare_days): window B = the first `compare_days` days
of the month starting at compare_start, window A = the same days of the month before, cut at its
end. The rows are those of the week and month pairs. A day of month M with day-of-month i is in
the pairs (M, k) and (M + 1, k) for every k >= i, so rebuilding a day drops all of those and
writes again only the ones whose compare window ends on or before `data_end`, the day after the
last day with cost data: a pair past the data would be rebuilt with every new day, and the routers
(`is_month_to_date` callers) read a pair only for windows inside the data. In the daily pipeline
(yesterday attributed) that is one new pair a day.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable
from datetime import date, timedelta

from attribution import delta_pair_tables
from attribution.delta_months import month_start, next_month, previous_month
from clickhouse.client import PoloClickHouse

TABLE = "cost_delta_mtd"
SOURCE = "cost_delta_mtd_source"

# resource_rows (migration 017): the resource's rows in the whole pair, under every placement.
_REFRESH_SQL = f"""
INSERT INTO {TABLE}
SELECT *,
    toUInt32(sum(rows_a + rows_b) OVER (PARTITION BY compare_start, compare_days, resource_hash))
FROM {SOURCE}(
    first = {{first:Date}}, last = {{first:Date}}, from_days = {{from_days:UInt8}},
    data_end = {{data_end:Date}})
SETTINGS max_partitions_per_insert_block = 0, join_use_nulls = 0
"""


def month_days(first: date) -> int:
    return monthrange(first.year, first.month)[1]


def is_month_to_date(a0: date, a1: date, b0: date, b1: date) -> bool:
    """B = the first days of a month, A = the same days of the month before (cut at its end).

    Includes a whole month against a longer month's same days (February against 1-28 January);
    a whole month against the whole month before is month over month (checked first)."""
    if b0.day != 1 or a0 != previous_month(b0):
        return False
    days = (b1 - b0).days
    return 1 <= days <= month_days(b0) and (a1 - a0).days == min(days, month_days(a0))


def affected(days: Iterable[date]) -> dict[date, int]:
    """compare_start → the smallest compare_days whose pair holds one of `days`."""
    smallest: dict[date, int] = {}
    for day in days:
        for start in (month_start(day), next_month(month_start(day))):
            smallest[start] = min(smallest.get(start, 32), day.day)
    return smallest


def data_end(db: PoloClickHouse) -> date | None:
    """The day after the last day with one-day blocks (cost data), or None without any."""
    rows = db.query(
        "delta_mtd.data_end",
        "SELECT maxOrNull(block_start) FROM cost_delta_blocks WHERE level = 0",
    ).result_rows
    last = rows[0][0]
    return None if last is None else last + timedelta(days=1)


def refresh_days(db: PoloClickHouse, days: Iterable[date]) -> None:
    """Drop every pair whose windows hold one of `days`; rebuild those inside the data."""
    pairs = affected(days)
    if not pairs:
        return
    existing = db.query(
        "delta_mtd.partitions",
        "SELECT DISTINCT partition FROM system.parts "
        "WHERE database = currentDatabase() AND table = {table:String} AND active",
        {"table": TABLE},
    ).result_rows
    for (partition,) in existing:
        start_text, days_text = partition.strip("()").split(",")
        start, compare_days = date.fromisoformat(start_text.strip("'")), int(days_text)
        if start in pairs and compare_days >= pairs[start]:
            db.command(
                "delta_mtd.drop_pair",
                f"ALTER TABLE {TABLE} DROP PARTITION ({{start:Date}}, {{days:UInt8}})",
                {"start": start, "days": compare_days},
            )
            delta_pair_tables.drop(db, "mtd", start, compare_days)
    end = data_end(db)
    if end is None:
        return
    for start, from_days in sorted(pairs.items()):
        if start + timedelta(days=from_days) <= end:
            db.command(
                "delta_mtd.refresh",
                _REFRESH_SQL,
                {"first": start, "from_days": from_days, "data_end": end},
            )
            delta_pair_tables.refresh(db, "mtd", start, start, from_days)
