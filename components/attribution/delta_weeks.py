"""cost_delta_blocks → `cost_delta_weeks`: week-over-week pairs for `delta_nodes` at the root.

A pair (migration 012) is window A = [compare_start - 7, compare_start) and window B =
[compare_start, compare_start + 7), each line's sums side by side, with whether its resource had
cost anywhere in each window. Rebuilding one pair drops its partition and inserts it again from
the one-day blocks, so the pairs always equal the blocks, and the blocks equal
cost_attributed_daily (attribution.delta_blocks refreshes both, blocks first).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from collectors.common.clickhouse_client import PoloClickHouse

TABLE = "cost_delta_weeks"
WEEK_DAYS = 7
# Pairs rebuilt per statement: 14 is one attributed day's worth; more would hold more groups in
# memory at once (about 120 k lines per pair at 100 000 resources).
_BATCH = 2 * WEEK_DAYS

# The statement of migration 012's backfill, restricted to the pairs [first, last]: every
# one-day block counts in each pair whose windows hold its day.
_REFRESH_SQL = f"""
INSERT INTO {TABLE}
SELECT
    compare_start,
    account_id, region, marqo_customer, marqo_cluster, marqo_role, resource_hash, usage_hash,
    any(resource_key),
    max(resource_type),
    sumIf(cost_micro, in_a),
    sumIf(quantity_micro, in_a),
    sumIf(cost_rows, in_a) AS rows_a,
    sumIf(cost_micro, NOT in_a),
    sumIf(quantity_micro, NOT in_a),
    sumIf(cost_rows, NOT in_a) AS rows_b,
    max(rows_a > 0) OVER (PARTITION BY compare_start, resource_hash),
    max(rows_b > 0) OVER (PARTITION BY compare_start, resource_hash),
    min((account_id, region, marqo_customer, marqo_cluster, marqo_role))
        OVER (PARTITION BY compare_start, resource_hash)
        != max((account_id, region, marqo_customer, marqo_cluster, marqo_role))
        OVER (PARTITION BY compare_start, resource_hash)
FROM
(
    SELECT compare_start, block_start < compare_start AS in_a, *
    FROM cost_delta_blocks
    ARRAY JOIN arrayFilter(
        s -> s >= {{first:Date}} AND s <= {{last:Date}},
        arrayMap(i -> addDays(block_start, i), range(-{WEEK_DAYS - 1}, {WEEK_DAYS + 1}))
    ) AS compare_start
    WHERE level = 0
      AND block_start >= subtractDays({{first:Date}}, {WEEK_DAYS})
      AND block_start < addDays({{last:Date}}, {WEEK_DAYS})
)
GROUP BY compare_start, account_id, region, marqo_customer, marqo_cluster, marqo_role,
         resource_hash, usage_hash
SETTINGS max_partitions_per_insert_block = {_BATCH}
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
    """Rebuild every pair whose windows hold one of `days` from cost_delta_blocks."""
    starts = compare_starts(days)
    for start in starts:
        db.command(
            "delta_weeks.drop_pair",
            f"ALTER TABLE {TABLE} DROP PARTITION {{start:Date}}",
            {"start": start},
        )
    for first, last in batches(starts):
        db.command("delta_weeks.refresh", _REFRESH_SQL, {"first": first, "last": last})
