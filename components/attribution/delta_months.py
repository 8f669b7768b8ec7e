"""cost_delta_blocks + resource_ancestry → `cost_delta_months`: month-over-month pairs for
`delta_nodes` over two consecutive calendar months.

A pair (migration 013) is window A = the calendar month before `compare_start` and window B = the
month starting at `compare_start` (the first of a month), with the rows of the week pairs (012):
each line's sums side by side per place, whether its resource had cost anywhere in each window
and whether it is in more than one place. A day is in two pairs: its own month's (as B) and the
next month's (as A). Rebuilding a pair drops its partition and inserts it again from migration
013's view over the one-day blocks and the closure table, so the pairs always equal the blocks
(attribution.delta_blocks refreshes blocks, week pairs and month pairs, in that order).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from attribution import delta_pair_tables
from clickhouse.client import PoloClickHouse

TABLE = "cost_delta_months"
SOURCE = "cost_delta_months_source"

# resource_rows (migration 017): the resource's rows in the whole pair, under every placement.
_REFRESH_SQL = f"""
INSERT INTO {TABLE}
SELECT *, toUInt32(sum(rows_a + rows_b) OVER (PARTITION BY compare_start, resource_hash))
FROM {SOURCE}(first = {{first:Date}}, last = {{last:Date}})
SETTINGS max_partitions_per_insert_block = 1, join_use_nulls = 0
"""


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous_month(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def compare_starts(days: Iterable[date]) -> list[date]:
    """The pairs whose windows hold one of `days`: the day's month and the month after."""
    return sorted(
        {start for day in days for start in (month_start(day), next_month(month_start(day)))}
    )


def is_month_over_month(a0: date, a1: date, b0: date, b1: date) -> bool:
    """A calendar month against the month right before it (the pairs' windows)."""
    return b0.day == 1 and a1 == b0 and a0 == previous_month(b0) and b1 == next_month(b0)


def refresh_days(db: PoloClickHouse, days: Iterable[date]) -> None:
    """Rebuild every month pair whose windows hold one of `days` from cost_delta_blocks, and its
    roots."""
    for start in compare_starts(days):
        db.command(
            "delta_months.drop_pair",
            f"ALTER TABLE {TABLE} DROP PARTITION {{start:Date}}",
            {"start": start},
        )
        delta_pair_tables.drop(db, "month", start)
        db.command("delta_months.refresh", _REFRESH_SQL, {"first": start, "last": start})
        delta_pair_tables.refresh(db, "month", start, start)
