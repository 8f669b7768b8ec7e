"""cost_delta_blocks + resource_ancestry → `cost_delta_weeks`: week-over-week pairs for
`delta_nodes` over the API's default windows.

A pair (migration 012) is window A = [compare_start - 7, compare_start) and window B =
[compare_start, compare_start + 7), each line's sums side by side per place (owner, account,
region, physical path below the region that day), with whether its resource had cost anywhere in
each window and whether it is in more than one place. Rebuilding a pair drops its partition and
inserts it again from migration 012's view over the one-day blocks and the closure table, so the
pairs always equal the blocks, and the blocks equal cost_attributed_daily
(attribution.delta_blocks refreshes both, blocks first).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from attribution import delta_pair_tables
from clickhouse.client import PoloClickHouse

TABLE = "cost_delta_weeks"
SOURCE = "cost_delta_weeks_source"
WEEK_DAYS = 7
# Pairs rebuilt per statement: 14 is one attributed day's worth; more would hold more groups in
# memory at once (about 120 k lines per pair at 100 000 resources).
_BATCH = 2 * WEEK_DAYS

# Migration 012's parameterized view computes the pairs [first, last] from the one-day blocks
# and each day's closure rows; the migration's backfill reads the same view. resource_rows
# (migration 017): the resource's rows in the whole pair, under every placement.
_REFRESH_SQL = f"""
INSERT INTO {TABLE}
SELECT *, toUInt32(sum(rows_a + rows_b) OVER (PARTITION BY compare_start, resource_hash))
FROM {SOURCE}(first = {{first:Date}}, last = {{last:Date}})
SETTINGS max_partitions_per_insert_block = {_BATCH}, join_use_nulls = 0
"""


def compare_starts(days: Iterable[date]) -> list[date]:
    """The pairs whose windows hold one of `days`: compare_start in [day - 6, day + 7]."""
    return sorted(
        {
            day + timedelta(days=offset)
            for day in days
            for offset in range(-(WEEK_DAYS - 1), WEEK_DAYS + 1)
        }
    )


def batches(starts: list[date]) -> Iterator[tuple[date, date]]:
    """Consecutive runs of sorted `starts`, at most _BATCH days each, as (first, last)."""
    run: list[date] = []
    for start in starts:
        if run and (start != run[-1] + timedelta(days=1) or len(run) == _BATCH):
            yield run[0], run[-1]
            run = []
        run.append(start)
    if run:
        yield run[0], run[-1]


def refresh_days(db: PoloClickHouse, days: Iterable[date]) -> None:
    """Rebuild every pair whose windows hold one of `days` from cost_delta_blocks, and its roots."""
    starts = compare_starts(days)
    for start in starts:
        db.command(
            "delta_weeks.drop_pair",
            f"ALTER TABLE {TABLE} DROP PARTITION {{start:Date}}",
            {"start": start},
        )
        delta_pair_tables.drop(db, "week", start)
    for first, last in batches(starts):
        db.command("delta_weeks.refresh", _REFRESH_SQL, {"first": first, "last": last})
        delta_pair_tables.refresh(db, "week", first, last)
