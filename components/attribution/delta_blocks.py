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
# Blocks of 1, 2, 4, 8 and 16 days; the largest block is one partition (a span).
MAX_LEVEL = 4
SPAN_DAYS = 1 << MAX_LEVEL
_EPOCH = date(1970, 1, 1)

# Every 007 row of the span counts once per level, in the block of that level holding its day.
# Micro-units are exact: 007's money is Decimal(18, 6) and its quantity Decimal(24, 6). max() of
# the type rather than any(): the same resource may lack a type on some days (no snapshot), and
# the table's checksum (seed) must not depend on which row was read first. The row's physical path
# is the resource's ancestors below its region on the row's day (migration 019), grouped by its
# hash: a resource placed on two paths inside a block keeps a row per path.
_REFRESH_SQL = f"""
INSERT INTO {TABLE}
    (block_start, level, account_id, region, marqo_customer, marqo_cluster, marqo_role,
     resource_hash, usage_hash, resource_key, resource_type, cost_micro, quantity_micro, cost_rows,
     place_hash, physical_path, physical_types, last_day)
WITH paths AS (
    SELECT snapshot_date, descendant_id,
        arrayReverseSort(x -> x.1, groupUniqArray((depth, ancestor_id, ancestor_type)))
            AS ancestors,
        arrayMap(x -> x.2, ancestors) AS path,
        arrayMap(x -> x.3, ancestors) AS types
    FROM resource_ancestry
    WHERE hierarchy = 'physical' AND depth > 0 AND ancestor_type NOT IN ('account', 'region')
      AND snapshot_date >= {{start:Date}} AND snapshot_date < {{end:Date}}
    GROUP BY snapshot_date, descendant_id
)
SELECT
    toDate(day - day % bitShiftLeft(1, level)) AS block_start,
    level,
    account_id, region, marqo_customer, marqo_cluster, marqo_role, resource_hash, usage_hash,
    any(key),
    max(rtype),
    sum(cost),
    sum(quantity),
    toUInt32(count()),
    cityHash64(path) AS path_key,
    any(path),
    any(types),
    toDate(max(day))
FROM
(
    SELECT
        toUInt16(d.charge_date) AS day,
        d.account_id AS account_id, d.region AS region, d.marqo_customer AS marqo_customer,
        d.marqo_cluster AS marqo_cluster, d.marqo_role AS marqo_role,
        if(d.resource_id != '', d.resource_id,
           concat('unresourced:', d.account_id, '/', d.region, '/', d.service_name)) AS key,
        cityHash64(key) AS resource_hash,
        cityHash64(d.usage_type) AS usage_hash,
        if(d.resource_id = '', 'unresourced', d.resource_type) AS rtype,
        toInt64(toDecimal128(d.effective_cost, 6) * 1000000) AS cost,
        toInt128(toDecimal128(d.consumed_quantity, 6) * 1000000) AS quantity,
        p.path AS path,
        p.types AS types
    FROM cost_attributed_daily AS d
    LEFT ANY JOIN paths AS p ON d.charge_date = p.snapshot_date AND d.resource_id = p.descendant_id
    WHERE d.charge_date >= {{start:Date}} AND d.charge_date < {{end:Date}}
)
ARRAY JOIN range({MAX_LEVEL + 1}) AS level
GROUP BY block_start, level, account_id, region, marqo_customer, marqo_cluster, marqo_role,
         resource_hash, usage_hash, path_key
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
