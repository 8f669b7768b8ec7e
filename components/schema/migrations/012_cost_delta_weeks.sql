-- 012 cost_delta_weeks: week-over-week pairs, pre-joined from cost_delta_blocks (011) and the
-- closure table (006), so that delta_nodes answers the API's default comparison (the last 7 days
-- against the 7 before) at any node without aggregating blocks or joining the closure table per
-- day on each request.
--
-- A row is one compare_start x placement x resource x usage type: the sums of window A =
-- [compare_start - 7, compare_start) and of window B = [compare_start, compare_start + 7), side
-- by side, in the micro-units of 011. rows_a / rows_b count the 007 rows summed (0: the line
-- has no cost in that window under this placement). resource_in_a / resource_in_b say whether
-- the resource had cost anywhere (any placement) in A / in B: what separates a transfer from a
-- creation or a removal, precomputed because at the root it needs every resource.
-- split_resource: the resource has rows under more than one placement in the pair (it moved),
-- so a reader must sum its rows into lines; every other row is a whole line on its own.
--
-- Placement is per day as in 011, and includes the physical path below the region that day
-- (physical_path: the resource's ancestors in resource_ancestry, top down: VPC, subnet, the
-- resource it is attached to; physical_types their types; empty without closure rows): a
-- resource that changed owner or place inside the two windows has a row per place.
--
-- Engine: plain MergeTree, one partition per compare_start (about 365 a year, like 007). The
-- attribution engine (attribution/delta_weeks.py) rewrites the 14 pairs whose windows hold a
-- day it attributed: drop the pair's partition, insert it again from cost_delta_weeks_source
-- (below), so a dropped or rebuilt day is gone here too and refreshing twice changes nothing.
--
-- Ordering key: a request reads exactly one compare_start; owner columns next, as in 011.
CREATE TABLE IF NOT EXISTS cost_delta_weeks
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

-- The pairs whose compare_start is in [first, last], as the attribution engine writes them
-- (attribution/delta_weeks.py: INSERT ... SELECT * FROM cost_delta_weeks_source(first = ...,
-- last = ...) after dropping those pairs' partitions). Every one-day block counts in each pair
-- whose windows hold its day, placed by that day's closure rows: the resource's ancestors below
-- its region, top down. The paths travel as a hash through the grouping and are joined back
-- after it (carrying the arrays through 14 copies of every row cost ~10 % more).
CREATE VIEW IF NOT EXISTS cost_delta_weeks_source AS
WITH paths AS (
    SELECT snapshot_date, cityHash64(descendant_id) AS descendant_hash,
        arrayReverseSort(x -> x.1, groupUniqArray((depth, ancestor_id, ancestor_type)))
            AS ancestors,
        arrayMap(x -> x.2, ancestors) AS physical_path,
        arrayMap(x -> x.3, ancestors) AS physical_types,
        cityHash64(physical_path) AS path_hash
    FROM resource_ancestry
    WHERE hierarchy = 'physical' AND depth > 0 AND ancestor_type NOT IN ('account', 'region')
      AND snapshot_date >= subtractDays({first:Date}, 7)
      AND snapshot_date < addDays({last:Date}, 7)
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
              AND b.block_start >= subtractDays({first:Date}, 7)
              AND b.block_start < addDays({last:Date}, 7)
        )
        ARRAY JOIN arrayFilter(
            s -> s >= {first:Date} AND s <= {last:Date},
            arrayMap(i -> addDays(block_start, i), range(-6, 8))
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

-- Pairs for blocks written before this migration (empty on a new database): every pair the
-- Date type can hold. Emptied first, so that re-running a migration that failed half-way cannot
-- count a pair twice.
TRUNCATE TABLE cost_delta_weeks;

INSERT INTO cost_delta_weeks
SELECT * FROM cost_delta_weeks_source(first = '1970-01-08', last = '2149-05-30')
SETTINGS max_partitions_per_insert_block = 0, join_use_nulls = 0
