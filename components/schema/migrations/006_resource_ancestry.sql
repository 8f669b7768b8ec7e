-- 006 resource_ancestry: closure table of both hierarchies, per day.
--   physical: account -> region -> VPC -> subnet -> resource -> attached resources
--   logical:  customer -> cluster -> role -> resource
-- Every (ancestor, descendant) pair is a row with its depth (0 = the node itself), so "all
-- cost under node N on day D" is one join, without recursive queries.
--
-- Engine: ReplacingMergeTree(version): the hierarchy builder rebuilds a day with a higher
-- version, exactly like resource_snapshots.
--
-- Ordering key (snapshot_date, hierarchy, ancestor_id, descendant_id): the hot query walks
-- down from one ancestor on one day, which the key turns into one range.
--
-- hierarchy is an Enum8: only two values exist and a typo must fail at insert time.
-- Monthly partitions, no TTL (same lifetime as the snapshots it is built from).
CREATE TABLE IF NOT EXISTS resource_ancestry
(
    snapshot_date   Date,
    hierarchy       Enum8('physical' = 1, 'logical' = 2),
    ancestor_id     String,
    ancestor_type   LowCardinality(String),
    descendant_id   String,
    descendant_type LowCardinality(String),
    depth           UInt8,
    version         UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(snapshot_date)
ORDER BY (snapshot_date, hierarchy, ancestor_id, descendant_id);
