-- 011 cost_delta_blocks: the input of the delta_nodes query, pre-aggregated from
-- cost_attributed_daily (007) into blocks of days, written by the attribution engine
-- (attribution/delta_blocks.py) after every rebuilt day.
--
-- A row is one block x placement x resource x usage type. A block covers 2^level days from
-- block_start (level 0..4: 1, 2, 4, 8 or 16 days), aligned on the day number (days since
-- 1970-01-01) being a multiple of 2^level. Any window is tiled by at most ~2 blocks per level, so a
-- 7-day window reads 3 blocks instead of 7 days of rows, a 30-day window 5-7 instead of 30. Level 0
-- (one day) is what the physical hierarchy below a region joins with the day's closure table.
--
-- Placement columns (account_id, region, owner fields) are the cost row's, exactly as in 007: a
-- resource that changed owner inside a block has one row per owner, so ownership stays per day.
-- Keys are integers where the query groups: resource_hash = cityHash64(resource key), where the
-- resource key is resource_id or, for cost without a resource, the pseudo-resource
-- 'unresourced:<account>/<region>/<service>'; usage_hash = cityHash64(usage_type). Money and
-- quantities are integer micro-units (exactly Decimal(18, 6) / Decimal(24, 6) x 10^6): summing
-- and grouping integers is several times cheaper than Decimals and strings.
--
-- Engine: SummingMergeTree over the three numbers; cost_rows (the number of 007 rows summed, never
-- 0) keeps a row whose cost and quantity sum to zero alive, because the delta needs to know that
-- a resource was present. Readers must still aggregate (merges are asynchronous).
--
-- Partitions: 16-day spans (intDiv(day number, 16)), which hold every block of the span at every
-- level. Rebuilding a day drops its span's partition and recomputes the span from 007, so the
-- table never holds a day that 007 no longer has (idempotent, like 007 itself). ~23 partitions a
-- year.
--
-- Ordering key (block_start, level, marqo_customer, marqo_cluster, marqo_role, account_id, region,
-- resource_hash, usage_hash): a query reads exactly its windows' blocks, and a customer node only
-- its customer's range of each block.
CREATE TABLE IF NOT EXISTS cost_delta_blocks
(
    block_start    Date,
    level          UInt8,
    account_id     LowCardinality(String),
    region         LowCardinality(String),
    marqo_customer LowCardinality(String),
    marqo_cluster  LowCardinality(String),
    marqo_role     LowCardinality(String),
    resource_hash  UInt64,
    usage_hash     UInt64,
    resource_key   String,
    resource_type  LowCardinality(String),
    cost_micro     Int64,
    quantity_micro Int128,
    cost_rows      UInt32
)
ENGINE = SummingMergeTree((cost_micro, quantity_micro, cost_rows))
PARTITION BY intDiv(toUInt16(block_start), 16)
ORDER BY (block_start, level, marqo_customer, marqo_cluster, marqo_role, account_id, region,
          resource_hash, usage_hash);
