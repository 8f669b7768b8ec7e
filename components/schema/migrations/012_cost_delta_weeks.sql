-- 012 cost_delta_weeks: week-over-week pairs, pre-joined from cost_delta_blocks (011), so that
-- delta_nodes at the root answers the API's default comparison (the last 7 days against the 7
-- before) without aggregating every resource's blocks on each request.
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
-- Placement is per day as in 011: a resource that changed owner inside the two windows has a
-- row per owner.
--
-- Engine: plain MergeTree, one partition per compare_start (about 365 a year, like 007). The
-- attribution engine (attribution/delta_weeks.py) rewrites the 14 pairs whose windows hold a
-- day it attributed: drop the pair's partition, insert it again from the blocks, so a dropped
-- or rebuilt day is gone here too and refreshing twice changes nothing.
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

-- Pairs for blocks written before this migration (empty on a new database). The same
-- statement as attribution/delta_weeks.py's refresh, over every day of the blocks: each one-day
-- block counts in the 14 pairs whose windows hold its day. Emptied first, so that re-running a
-- migration that failed half-way cannot count a pair twice.
TRUNCATE TABLE cost_delta_weeks;

INSERT INTO cost_delta_weeks
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
    ARRAY JOIN arrayMap(i -> addDays(block_start, i), range(-6, 8)) AS compare_start
    WHERE level = 0
)
GROUP BY compare_start, account_id, region, marqo_customer, marqo_cluster, marqo_role,
         resource_hash, usage_hash
SETTINGS max_partitions_per_insert_block = 0
