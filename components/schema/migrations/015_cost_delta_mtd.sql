-- 015 cost_delta_mtd: month-to-date pairs (issue 15), the rows of cost_delta_weeks (012) and
-- cost_delta_months (014) for the first `compare_days` days of a month against the same days of
-- the month before, so that delta_nodes answers "this month so far" at week-over-week speed.
--
-- A row is one compare_start (the first day of a month) x compare_days (1 to the month's length)
-- x placement x resource x usage type. Window B = [compare_start, compare_start + compare_days),
-- window A = [addMonths(compare_start, -1), + least(compare_days, length of that month)): the
-- same days of the month before, cut at its end (30 March to date against all of February).
-- Every other column means what it means in 012.
--
-- Engine: plain MergeTree, one partition per pair (about 30 a month). A pair is written only once
-- its compare window holds no day after the last day with cost data (attribution/delta_mtd.py:
-- the routers read a pair only for such windows and send a window reaching past the data to the
-- block files). The attribution engine drops every pair whose windows hold a day it attributed
-- and writes again those inside the data, after the blocks, week and month pairs, from
-- cost_delta_mtd_source below: a dropped or rebuilt day is gone here too, and refreshing twice
-- changes nothing.
CREATE TABLE IF NOT EXISTS cost_delta_mtd
(
    compare_start  Date,
    compare_days   UInt8,
    account_id     LowCardinality(String),
    region         LowCardinality(String),
    marqo_customer LowCardinality(String),
    marqo_cluster  LowCardinality(String),
    marqo_role     LowCardinality(String),
    physical_path  Array(String),
    physical_types Array(LowCardinality(String)),
    resource_hash  UInt64,
    usage_hash     UInt64,
    resource_key   String,
    resource_type  LowCardinality(String),
    cost_a         Int64,
    quantity_a     Int128,
    rows_a         UInt32,
    cost_b         Int64,
    quantity_b     Int128,
    rows_b         UInt32,
    resource_in_a  UInt8,
    resource_in_b  UInt8,
    split_resource UInt8
)
ENGINE = MergeTree
PARTITION BY (compare_start, compare_days)
ORDER BY (compare_start, compare_days, marqo_customer, marqo_cluster, marqo_role, account_id,
          region, resource_hash, usage_hash);

-- The pairs (compare_start, compare_days) with compare_start (a first of a month) in
-- [first, last], compare_days >= from_days, and compare window ending on or before data_end (the
-- day after the last day with cost data). A one-day block of day-of-month i counts in B of its
-- month's pairs with compare_days >= i, and in A of the next month's pairs with
-- compare_days >= i; it is placed by that day's closure rows, exactly as 012's view places the
-- week pairs.
CREATE VIEW IF NOT EXISTS cost_delta_mtd_source AS
WITH paths AS (
    SELECT snapshot_date, cityHash64(descendant_id) AS descendant_hash,
        arrayReverseSort(x -> x.1, groupUniqArray((depth, ancestor_id, ancestor_type)))
            AS ancestors,
        arrayMap(x -> x.2, ancestors) AS physical_path,
        arrayMap(x -> x.3, ancestors) AS physical_types,
        cityHash64(physical_path) AS path_hash
    FROM resource_ancestry
    WHERE hierarchy = 'physical' AND depth > 0 AND ancestor_type NOT IN ('account', 'region')
      AND snapshot_date >= addMonths(toStartOfMonth({first:Date}), -1)
      AND snapshot_date < least(addMonths(toStartOfMonth({last:Date}), 1), {data_end:Date})
    GROUP BY snapshot_date, descendant_id
)
SELECT
    compare_start, compare_days, account_id, region, marqo_customer, marqo_cluster, marqo_role,
    places.physical_path, places.physical_types,
    resource_hash, usage_hash, resource_key, resource_type,
    cost_a, quantity_a, rows_a, cost_b, quantity_b, rows_b, resource_in_a, resource_in_b,
    split_resource
FROM
(
    SELECT
        pair.1 AS compare_start,
        pair.2 AS compare_days,
        account_id, region, marqo_customer, marqo_cluster, marqo_role, path_hash,
        resource_hash, usage_hash,
        any(resource_key) AS resource_key,
        max(resource_type) AS resource_type,
        sumIf(cost_micro, pair.3) AS cost_a,
        sumIf(quantity_micro, pair.3) AS quantity_a,
        sumIf(cost_rows, pair.3) AS rows_a,
        sumIf(cost_micro, NOT pair.3) AS cost_b,
        sumIf(quantity_micro, NOT pair.3) AS quantity_b,
        sumIf(cost_rows, NOT pair.3) AS rows_b,
        max(rows_a > 0) OVER (PARTITION BY compare_start, compare_days, resource_hash)
            AS resource_in_a,
        max(rows_b > 0) OVER (PARTITION BY compare_start, compare_days, resource_hash)
            AS resource_in_b,
        min((account_id, region, marqo_customer, marqo_cluster, marqo_role, path_hash))
            OVER (PARTITION BY compare_start, compare_days, resource_hash)
            != max((account_id, region, marqo_customer, marqo_cluster, marqo_role, path_hash))
            OVER (PARTITION BY compare_start, compare_days, resource_hash) AS split_resource
    FROM
    (
        SELECT b.*, p.path_hash
        FROM cost_delta_blocks AS b
        LEFT ANY JOIN paths AS p
            ON b.block_start = p.snapshot_date AND b.resource_hash = p.descendant_hash
        WHERE b.level = 0
          AND b.block_start >= addMonths(toStartOfMonth({first:Date}), -1)
          AND b.block_start < least(addMonths(toStartOfMonth({last:Date}), 1), {data_end:Date})
    )
    -- (month, compare_days, in A) of every pair the block counts in, within the bounds.
    ARRAY JOIN arrayFilter(
        p -> p.1 >= {first:Date} AND p.1 <= {last:Date} AND p.2 >= {from_days:UInt8}
             AND addDays(p.1, p.2) <= {data_end:Date},
        arrayConcat(
            arrayMap(
                k -> (toStartOfMonth(block_start), toUInt8(k), false),
                range(toDayOfMonth(block_start), toDayOfMonth(toLastDayOfMonth(block_start)) + 1)
            ),
            arrayMap(
                k -> (addMonths(toStartOfMonth(block_start), 1), toUInt8(k), true),
                range(toDayOfMonth(block_start),
                      toDayOfMonth(toLastDayOfMonth(addMonths(toStartOfMonth(block_start), 1))) + 1)
            )
        )
    ) AS pair
    GROUP BY compare_start, compare_days, account_id, region, marqo_customer, marqo_cluster,
             marqo_role, path_hash, resource_hash, usage_hash
) AS lines
LEFT ANY JOIN
(
    SELECT path_hash, any(physical_path) AS physical_path, any(physical_types) AS physical_types
    FROM paths
    GROUP BY path_hash
) AS places ON lines.path_hash = places.path_hash;

-- Pairs for blocks written before this migration (empty on a new database). Every pair of every
-- month with blocks: pairs reaching past the data are correct now and dropped by the next
-- refresh of a day in their windows.
TRUNCATE TABLE cost_delta_mtd;
INSERT INTO cost_delta_mtd
SELECT * FROM cost_delta_mtd_source(
    first = '1970-02-01', last = '2149-05-01', from_days = 1, data_end = '2149-06-01')
SETTINGS max_partitions_per_insert_block = 0, join_use_nulls = 0
