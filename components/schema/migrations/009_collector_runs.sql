-- 009 collector_runs: one row per collector run for one account / region (start, end, rows,
-- API calls, status, error). The freshness view (010) and the dashboard read it.
--
-- Engine: ReplacingMergeTree(finished_at). A run writes its row once it ends; if the write is
-- retried the identical key collapses, keeping the latest finish time.
--
-- Ordering key (collector, account_id, region, started_at, run_id): freshness asks "latest run
-- of collector C (for account A, region R)", a prefix of this key.
--
-- TTL: run bookkeeping older than 400 days answers no question the product asks; it expires
-- whole monthly partitions.
CREATE TABLE IF NOT EXISTS collector_runs
(
    run_id       String,
    collector    LowCardinality(String),
    account_id   LowCardinality(String),
    region       LowCardinality(String),
    started_at   DateTime64(3, 'UTC'),
    finished_at  DateTime64(3, 'UTC'),
    rows_written UInt64,
    api_calls    UInt32,
    status       LowCardinality(String),
    error        String,
    CONSTRAINT status_known CHECK status IN ('ok', 'error')
)
ENGINE = ReplacingMergeTree(finished_at)
PARTITION BY toYYYYMM(started_at)
ORDER BY (collector, account_id, region, started_at, run_id)
TTL toDateTime(started_at) + INTERVAL 400 DAY;
