-- 019 physical paths and last days in cost_delta_blocks (011): each block row also carries the resource's
-- physical path below its region on the row's days (physical_path: its ancestors in
-- resource_ancestry, top down: VPC, subnet, the resource it is attached to; physical_types their
-- types; empty without closure rows), exactly as the pair tables (012) place their rows.
--
-- Below a region, delta_nodes for windows that are not a precomputed pair read one-day blocks and
-- joined each with that day's closure rows: ~600 ms for two 30-day windows at a region of 100 000
-- resources. With the path on the row, a node below a region is a filter on the row and its
-- children an expression of it, so those windows read their few maximal blocks like every other
-- node (delta_nodes_closure.sql).
--
-- last_day: the row's last day with cost (of its 2^level days). delta_resources labels a resource
-- that moved by where it was last, and shows the owner of its last day, from the blocks alone. The
-- summing engine never merges it: every span is written by one INSERT whose rows have distinct
-- keys (attribution/delta_blocks.py drops the span first).
--
-- place_hash = cityHash64(physical_path) joins the sorting key, so that a resource placed on two
-- paths inside one block keeps a row per path (placement stays per day) and the summing merge never
-- adds them together. Only a column added by the same ALTER may extend a sorting key.
--
-- The blocks written before this migration are rebuilt from cost_attributed_daily and the closure
-- table through the view attribution/delta_blocks.py writes them with (re-running it after a
-- failure rebuilds them again). The pair tables are read from one-day blocks with their own paths:
-- unchanged.
ALTER TABLE cost_delta_blocks
    ADD COLUMN IF NOT EXISTS place_hash UInt64,
    ADD COLUMN IF NOT EXISTS physical_path Array(String),
    ADD COLUMN IF NOT EXISTS physical_types Array(LowCardinality(String)),
    ADD COLUMN IF NOT EXISTS last_day Date,
    MODIFY ORDER BY (block_start, level, marqo_customer, marqo_cluster, marqo_role, account_id,
                     region, resource_hash, usage_hash, place_hash);

-- The blocks of the days [start, end), as attribution/delta_blocks.py writes them (INSERT ... SELECT
-- * FROM cost_delta_blocks_source(start = ..., end = ...) after dropping the span's partition);
-- the backfill below reads the same view. Every 007 row counts once per level, in the block of
-- that level holding its day; its path is the resource's ancestors below its region on that day.
-- Micro-units are exact (007's Decimal(18, 6) / Decimal(24, 6)); max() of the type rather than
-- any(): a resource may lack a type on days without a snapshot, and the table's checksum (seed)
-- must not depend on which row was read first.
CREATE VIEW IF NOT EXISTS cost_delta_blocks_source AS
WITH paths AS (
    SELECT snapshot_date, descendant_id,
        arrayReverseSort(x -> x.1, groupUniqArray((depth, ancestor_id, ancestor_type)))
            AS ancestors,
        arrayMap(x -> x.2, ancestors) AS path,
        arrayMap(x -> x.3, ancestors) AS types
    FROM resource_ancestry
    WHERE hierarchy = 'physical' AND depth > 0 AND ancestor_type NOT IN ('account', 'region')
      AND snapshot_date >= {start:Date} AND snapshot_date < {end:Date}
    GROUP BY snapshot_date, descendant_id
)
SELECT
    toDate(day - day % bitShiftLeft(1, level)) AS block_start,
    level,
    account_id, region, marqo_customer, marqo_cluster, marqo_role, resource_hash, usage_hash,
    any(key) AS resource_key,
    max(rtype) AS resource_type,
    sum(cost) AS cost_micro,
    sum(quantity) AS quantity_micro,
    toUInt32(count()) AS cost_rows,
    cityHash64(path) AS place_hash,
    any(path) AS physical_path,
    any(types) AS physical_types,
    toDate(max(day)) AS last_day
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
    WHERE d.charge_date >= {start:Date} AND d.charge_date < {end:Date}
)
ARRAY JOIN range(5) AS level
GROUP BY block_start, level, account_id, region, marqo_customer, marqo_cluster, marqo_role,
         resource_hash, usage_hash, place_hash
;

TRUNCATE TABLE cost_delta_blocks;

INSERT INTO cost_delta_blocks
SELECT * FROM cost_delta_blocks_source(start = '1970-01-01', end = '2149-06-06')
SETTINGS max_partitions_per_insert_block = 0, join_use_nulls = 0
