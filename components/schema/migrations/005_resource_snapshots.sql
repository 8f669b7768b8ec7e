-- 005 resource_snapshots: one row per resource per day with its state and the owner it
-- resolved to that day. Past cost is attributed with the owner of that day, so a resource that
-- moves between customers does not rewrite history.
--
-- Engine: ReplacingMergeTree(version). The snapshot builder may rebuild a day (late events,
-- a fixed tag alias); it writes a higher version and merges keep only that one. Readers use
-- FINAL. version is a UInt64 the builder increases per build (e.g. epoch milliseconds).
--
-- Ordering key (snapshot_date, account_id, resource_id): readers ask "all resources on day D"
-- (resources page, attribution join) and the key is one range per day; it is also the
-- identity of a row.
--
-- Monthly partitions: rebuilding a day touches one partition. No TTL: snapshots are the
-- compact, long-lived form of resource_events.
CREATE TABLE IF NOT EXISTS resource_snapshots
(
    snapshot_date      Date,
    account_id         LowCardinality(String),
    region             LowCardinality(String),
    resource_type      LowCardinality(String),
    resource_id        String,
    arn                String,
    state              LowCardinality(String),
    tags               Map(String, String),
    marqo_customer     LowCardinality(String),
    marqo_cluster      LowCardinality(String),
    marqo_role         LowCardinality(String),
    marqo_environment  LowCardinality(String),
    owner_rule         String,
    is_idle            UInt8,
    idle_reason        LowCardinality(String),
    physical_parent_id String,
    version            UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(snapshot_date)
ORDER BY (snapshot_date, account_id, resource_id);
