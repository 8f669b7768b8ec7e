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
# one-day block counts in each pair whose windows hold its day, with the resource's physical
# path below its region on that day (the closure table's ancestors, top down).
_REFRESH_SQL = f"""
INSERT INTO {TABLE}
WITH paths AS (
    SELECT snapshot_date, cityHash64(descendant_id) AS descendant_hash,
        arrayReverseSort(x -> x.1, groupUniqArray((depth, ancestor_id, ancestor_type)))
            AS ancestors,
        arrayMap(x -> x.2, ancestors) AS physical_path,
        arrayMap(x -> x.3, ancestors) AS physical_types,
        cityHash64(physical_path) AS path_hash
    FROM resource_ancestry
    WHERE hierarchy = 'physical' AND depth > 0 AND ancestor_type NOT IN ('account', 'region')
      AND snapshot_date >= subtractDays({{first:Date}}, {WEEK_DAYS})
      AND snapshot_date < addDays({{last:Date}}, {WEEK_DAYS})
    GROUP BY snapshot_date, descendant_id
)
SELECT
    compare_start, account_id, region, marqo_customer, marqo_cluster, marqo_role,
    places.physical_path, places.physical_types,
    resource_hash, usage_hash, resource_key, resource_type,
    cost_a, quantity_a, rows_a, cost_b, quantity_b, rows_b, resource_in_a, resource_in_b,
    split_resource
FROM
(
    SELECT
        compare_start,
        account_id, region, marqo_customer, marqo_cluster, marqo_role, path_hash,
        resource_hash, usage_hash,
        any(resource_key) AS resource_key,
        max(resource_type) AS resource_type,
        sumIf(cost_micro, in_a) AS cost_a,
        sumIf(quantity_micro, in_a) AS quantity_a,
        sumIf(cost_rows, in_a) AS rows_a,
        sumIf(cost_micro, NOT in_a) AS cost_b,
        sumIf(quantity_micro, NOT in_a) AS quantity_b,
        sumIf(cost_rows, NOT in_a) AS rows_b,
        max(rows_a > 0) OVER (PARTITION BY compare_start, resource_hash) AS resource_in_a,
        max(rows_b > 0) OVER (PARTITION BY compare_start, resource_hash) AS resource_in_b,
        min((account_id, region, marqo_customer, marqo_cluster, marqo_role, path_hash))
            OVER (PARTITION BY compare_start, resource_hash)
            != max((account_id, region, marqo_customer, marqo_cluster, marqo_role, path_hash))
            OVER (PARTITION BY compare_start, resource_hash) AS split_resource
    FROM
    (
        SELECT compare_start, block_start < compare_start AS in_a, *
        FROM
        (
            SELECT b.*, p.path_hash
            FROM cost_delta_blocks AS b
            LEFT ANY JOIN paths AS p
                ON b.block_start = p.snapshot_date AND b.resource_hash = p.descendant_hash
            WHERE b.level = 0
              AND b.block_start >= subtractDays({{first:Date}}, {WEEK_DAYS})
              AND b.block_start < addDays({{last:Date}}, {WEEK_DAYS})
        )
        ARRAY JOIN arrayFilter(
            s -> s >= {{first:Date}} AND s <= {{last:Date}},
            arrayMap(i -> addDays(block_start, i), range(-{WEEK_DAYS - 1}, {WEEK_DAYS + 1}))
        ) AS compare_start
    )
    GROUP BY compare_start, account_id, region, marqo_customer, marqo_cluster, marqo_role,
             path_hash, resource_hash, usage_hash
) AS lines
LEFT ANY JOIN
(
    SELECT path_hash, any(physical_path) AS physical_path, any(physical_types) AS physical_types
    FROM paths
    GROUP BY path_hash
) AS places ON lines.path_hash = places.path_hash
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
