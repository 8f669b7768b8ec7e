-- 007 cost_attributed_daily: each cost_daily row joined with the owner its resource had on
-- that day (from resource_snapshots), written by the attribution engine. Cost without an owner
-- carries marqo_customer = 'unattributed' and owner_rule = 'unattributed': never dropped.
--
-- Engine: plain MergeTree. Rows are not deduplicated by the engine because the attribution
-- engine rebuilds a whole day at once: it drops the day's partition here and in
-- cost_by_owner_daily (008), then inserts the day again (the materialized view of 008 refills
-- the rollup from that insert).
--
-- Daily partitions make that rebuild a cheap, atomic DROP PARTITION. Around 365 partitions a
-- year stays well inside what ClickHouse handles comfortably.
--
-- Ordering key (charge_date, marqo_customer, marqo_cluster, marqo_role, resource_id): the
-- dashboards and the delta decomposition read one window and group or filter by owner, going
-- down the logical hierarchy customer -> cluster -> role -> resource.
CREATE TABLE IF NOT EXISTS cost_attributed_daily
(
    charge_date       Date,
    account_id        LowCardinality(String),
    region            LowCardinality(String),
    service_name      LowCardinality(String),
    usage_type        LowCardinality(String),
    resource_id       String,
    resource_type     LowCardinality(String),
    marqo_customer    LowCardinality(String),
    marqo_cluster     LowCardinality(String),
    marqo_role        LowCardinality(String),
    marqo_environment LowCardinality(String),
    owner_rule        String,
    is_idle           UInt8,
    billed_cost       Decimal(18, 6),
    effective_cost    Decimal(18, 6),
    consumed_quantity Decimal(24, 6),
    pricing_unit      LowCardinality(String)
)
ENGINE = MergeTree
PARTITION BY charge_date
ORDER BY (charge_date, marqo_customer, marqo_cluster, marqo_role, resource_id);
