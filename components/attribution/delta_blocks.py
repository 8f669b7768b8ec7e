"""cost_attributed_daily → `cost_delta_blocks`: the pre-aggregated input of `delta_nodes`.

The table (migration 011) holds the attributed cost summed per block of 2^level days (level 0..4)
x placement x resource x usage type, with integer keys and micro-unit money, so that a delta
window reads a few blocks instead of every day. Every block of a 16-day span lives in the span's
partition: refreshing a day drops that partition and recomputes the whole span from
cost_attributed_daily, so the blocks always equal what 007 holds (a day 007 lost is gone here
too) and refreshing twice changes nothing.

Refreshing days also rebuilds the week-over-week pairs that hold them (attribution.delta_weeks,
migration 012), which are read from the blocks.

Whatever writes cost_attributed_daily refreshes the days it wrote: the cost attributor after each
day, the perf dataset and the tests that load 007 directly. prod-sync copies the table like any
other (tables.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from attribution import delta_months, delta_mtd, delta_weeks
from clickhouse.client import PoloClickHouse

TABLE = "cost_delta_blocks"
SOURCE = "cost_delta_blocks_source"
# Blocks of 1, 2, 4, 8 and 16 days; the largest block is one partition (a span).
MAX_LEVEL = 4
SPAN_DAYS = 1 << MAX_LEVEL
_EPOCH = date(1970, 1, 1)

# Migration 019's parameterized view computes the blocks of the days [start, end) from
# cost_attributed_daily and each day's closure rows; the migration's backfill reads the same view.
_REFRESH_SQL = f"""
INSERT INTO {TABLE}
SELECT * FROM {SOURCE}(start = {{start:Date}}, end = {{end:Date}})
SETTINGS max_partitions_per_insert_block = 1000, join_use_nulls = 0
"""


def span_start(day: date) -> date:
    """The first day of the 16-day span (partition) that holds `day`'s blocks."""
    number = (day - _EPOCH).days
    return _EPOCH + timedelta(days=number - number % SPAN_DAYS)


def refresh_days(db: PoloClickHouse, days: Iterable[date]) -> None:
    """Recompute the blocks of every span that contains one of `days` from cost_attributed_daily,
    then the week-over-week, month-over-month and month-to-date pairs that hold one of `days`
    from the blocks (delta_weeks, delta_months, delta_mtd)."""
    wanted = set(days)
    for start in sorted({span_start(day) for day in wanted}):
        partition = (start - _EPOCH).days // SPAN_DAYS
        db.command(
            "delta_blocks.drop_span",
            f"ALTER TABLE {TABLE} DROP PARTITION {{partition:UInt32}}",
            {"partition": partition},
        )
        db.command(
            "delta_blocks.refresh_span",
            _REFRESH_SQL,
            {"start": start, "end": start + timedelta(days=SPAN_DAYS)},
        )
    delta_weeks.refresh_days(db, wanted)
    delta_months.refresh_days(db, wanted)
    delta_mtd.refresh_days(db, wanted)
