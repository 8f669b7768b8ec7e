-- 003 lifecycle_events: CloudTrail events that create, change or destroy resources, with the
-- actor who did it. The delta drill-down ends here: "who did what, when" for one resource.
--
-- Engine: ReplacingMergeTree(ingested_at). CloudTrail lookups overlap between collector runs
-- (the lifecycle collector re-reads a window to catch late deliveries), so the same EventId
-- arrives more than once; it has the same ordering key and collapses on merge.
--
-- Ordering key (account_id, resource_id, event_time, event_id): the only hot read is the
-- timeline of one resource in a window, which this key turns into one range scan. event_id
-- last makes the key unique per CloudTrail event.
--
-- Monthly partitions keep parts bounded. No TTL: these rows are few and explain old changes.
CREATE TABLE IF NOT EXISTS lifecycle_events
(
    event_id      String,
    event_time    DateTime64(3, 'UTC'),
    ingested_at   DateTime64(3, 'UTC') DEFAULT now64(3, 'UTC'),
    account_id    LowCardinality(String),
    region        LowCardinality(String),
    event_source  LowCardinality(String),
    event_name    LowCardinality(String),
    action        LowCardinality(String),
    resource_type LowCardinality(String),
    resource_id   String,
    actor_arn     String,
    actor_type    LowCardinality(String),
    source_ip     String,
    user_agent    String,
    request_id    String,
    -- The action vocabulary is part of the data-model contract: refuse anything else.
    CONSTRAINT action_known
        CHECK action IN ('create', 'terminate', 'modify', 'attach', 'detach', 'tag', 'untag')
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(event_time)
ORDER BY (account_id, resource_id, event_time, event_id);
