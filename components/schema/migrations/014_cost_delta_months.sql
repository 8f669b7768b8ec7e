-- 014 cost_delta_months: month-over-month pairs (issue 15), the same rows as cost_delta_weeks
-- (012) for a calendar month against the calendar month before it, so that delta_nodes answers
-- the comparison finance teams ask for first at week-over-week speed at any node.
--
-- A row is one compare_start (the first day of a month) x placement x resource x usage type: the
-- sums of window A = the month before, [addMonths(compare_start, -1), compare_start), and of
-- window B = the month, [compare_start, addMonths(compare_start, 1)), side by side, in the
-- micro-units of 011. The windows differ in length (28 to 31 days): the raw totals, as the API
-- reports them by default; the per-day view scales them when it reads them. Every other column
-- means what it means in 012 (rows_a / rows_b, resource_in_a / resource_in_b, split_resource,
-- physical_path / physical_types: the place below the region that day).
--
-- Engine: plain MergeTree, one partition per compare_start (12 a year). The attribution engine
-- (attribution/delta_months.py) rewrites the two pairs whose windows hold a day it attributed (the
-- day's month and the month after), from cost_delta_months_source below, after the blocks and the
-- week pairs: a dropped or rebuilt day is gone here too, and refreshing twice changes nothing.
CREATE TABLE IF NOT EXISTS cost_delta_months
(
    compare_start  Date,
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
PARTITION BY compare_start
ORDER BY (compare_start, marqo_customer, marqo_cluster, marqo_role, account_id, region,
          resource_hash, usage_hash);

-- The month pairs whose compare_start (a first of a month) is in [first, last]: every one-day
-- block counts in the pair of its own month (as B) and of the month after (as A), placed by that
-- day's closure rows, exactly as 012's view places the week pairs.
CREATE VIEW IF NOT EXISTS cost_delta_months_source AS
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
      AND snapshot_date < addMonths(toStartOfMonth({last:Date}), 1)
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
              AND b.block_start >= addMonths(toStartOfMonth({first:Date}), -1)
              AND b.block_start < addMonths(toStartOfMonth({last:Date}), 1)
        )
        ARRAY JOIN arrayFilter(
            s -> s >= {first:Date} AND s <= {last:Date},
            [toStartOfMonth(block_start), addMonths(toStartOfMonth(block_start), 1)]
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
) AS places ON lines.path_hash = places.path_hash;

-- Pairs for blocks written before this migration (empty on a new database).
TRUNCATE TABLE cost_delta_months;
INSERT INTO cost_delta_months
SELECT * FROM cost_delta_months_source(first = '1970-02-01', last = '2149-05-01')
SETTINGS max_partitions_per_insert_block = 0, join_use_nulls = 0
