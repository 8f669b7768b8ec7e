-- 001 resource_events: the append-only log of every ResourceEvent a collector emits
-- (observed / created / modified / deleted / tagged). The snapshot builder derives
-- resource_snapshots (005) from it; nothing updates rows in place.
--
-- Engine: ReplacingMergeTree(ingested_at). A collector that retries or re-runs for the same
-- moment writes rows with the same ordering key; merges keep the newest ingest, so a re-run adds
-- no logical duplicate. Readers that count events use FINAL (or argMax by ingested_at).
--
-- Ordering key (account_id, resource_id, event_time, event_type, source): it is the natural
-- identity of an event, and it puts one resource's history in one contiguous range, which is
-- what the snapshot builder and the delta drill-down read ("what happened to resource X").
--
-- Partitioning by month keeps parts bounded and lets the TTL below drop whole old months.
--
-- TTL: `observed` events are the bulk of the table (one per resource per collector run) and
-- their information is kept in resource_snapshots, so they expire after 400 days (13 months
-- of history for year-over-year comparisons plus a margin to rebuild snapshots). Change events
-- (created / modified / deleted / tagged) are small and explain history: they are kept.
CREATE TABLE IF NOT EXISTS resource_events
(
    event_time        DateTime64(3, 'UTC'),
    ingested_at       DateTime64(3, 'UTC') DEFAULT now64(3, 'UTC'),
    event_type        LowCardinality(String),
    account_id        LowCardinality(String),
    region            LowCardinality(String),
    resource_type     LowCardinality(String),
    resource_id       String,
    arn               String,
    state             LowCardinality(String),
    tags              Map(String, String),
    marqo_customer    LowCardinality(String),
    marqo_cluster     LowCardinality(String),
    marqo_role        LowCardinality(String),
    marqo_environment LowCardinality(String),
    owner_rule        String,
    attributes        Map(String, String),
    source            LowCardinality(String),
    collector_run_id  String,
    -- Reject unknown event kinds at insert time instead of storing rows no reader understands.
    CONSTRAINT event_type_known
        CHECK event_type IN ('observed', 'created', 'modified', 'deleted', 'tagged')
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(event_time)
ORDER BY (account_id, resource_id, event_time, event_type, source)
TTL toDateTime(event_time) + INTERVAL 400 DAY DELETE WHERE event_type = 'observed';
