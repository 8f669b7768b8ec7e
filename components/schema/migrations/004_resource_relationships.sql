-- 004 resource_relationships: typed edges child (source) -> parent (target), e.g. a volume
-- attached_to an instance, an instance in_subnet a subnet, an ENI associated_with a NAT gateway.
-- Attribution walks these edges to give untagged resources the owner of their parent.
--
-- Validity: an edge holds over [valid_from, valid_to); valid_to is 2299-12-31 00:00:00 (the
-- largest DateTime64 day boundary that every ClickHouse version accepts) while the edge is
-- open. Closing an edge re-writes the same row with a real valid_to.
--
-- Engine: ReplacingMergeTree(ingested_at). The ordering key is the identity of one edge
-- interval, so re-writing it (re-observation, or closing it) replaces the older version.
--
-- Ordering key (account_id, source_id, relationship_type, target_id, valid_from): attribution
-- looks edges up by child, so the child comes right after the account.
--
-- No partitioning or TTL: the table holds one row per edge interval and stays small.
CREATE TABLE IF NOT EXISTS resource_relationships
(
    account_id        LowCardinality(String),
    region            LowCardinality(String),
    relationship_type LowCardinality(String),
    source_id         String,
    source_type       LowCardinality(String),
    target_id         String,
    target_type       LowCardinality(String),
    valid_from        DateTime64(3, 'UTC'),
    valid_to          DateTime64(3, 'UTC') DEFAULT toDateTime64('2299-12-31 00:00:00', 3, 'UTC'),
    ingested_at       DateTime64(3, 'UTC') DEFAULT now64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(ingested_at)
ORDER BY (account_id, source_id, relationship_type, target_id, valid_from);
