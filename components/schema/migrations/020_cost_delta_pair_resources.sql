-- 020 cost_delta_pair_resources and cost_delta_pair_moves: delta_resources' rows for every
-- precomputed pair (week over week, calendar month over month, month to date).
--
-- delta_resources ranks a node's resources by |delta| before it can return a page: at the root of
-- 100 000 resources that grouped ~1.3 M block rows per request (~130 ms) and then read every row
-- of the page's resources again for their details (~80 ms). A resource whose rows in a pair all
-- share one place (owner, account, region, physical path: split_resource = 0 in the pair table)
-- is either wholly under a node or not at all, so its line in the answer is the same at every
-- node: it is computed once here, and the table is sorted by |delta| within the pair, so a page is
-- the first rows under the node in sorting-key order (delta_resources_pair.sql).
--
-- cost_delta_pair_resources: one row per pair (pairs = 'week' | 'month' | 'mtd', compare_start,
-- compare_days: the month-to-date pair's days, 0 for the others) x resource, with the raw sums
-- (normalise = 'none'; the per-day view reads the blocks) in the integer micro-units of the pairs:
--   rank              -|cost_b - cost_a|: the page order is (rank, resource_key)
--   resource_type     '' for cost without a resource, as delta_resources reports it
--   account_id .. physical_path   the resource's place (of its last day when it moved), for the
--                     node filter and the owner shown
--   moved             1: the resource moved inside the pair, and this row is its line as the root
--                     sees it (every row under the node); below the root it is classified from
--                     its lines in cost_delta_pair_moves instead
--   component         'created' (no cost in A) | 'removed' (none in B) | 'continuing'
--   cost_a, cost_b    the totals in window A and B
--   rate_micro        the rate effect summed per line (usage type), as delta_resources sums it
--   flagged           a line in both windows with an unknown quantity
--
-- Engine: plain MergeTree, one partition per pair like cost_delta_roots (018): the attribution
-- engine (attribution/delta_pair_resources.py) drops a pair's rows whenever it drops the pair and
-- inserts them from the views below after it inserts the pair, so they always equal their pair.
CREATE TABLE IF NOT EXISTS cost_delta_pair_resources
(
    pairs          LowCardinality(String),
    compare_start  Date,
    compare_days   UInt8,
    rank           Int64,
    resource_key   String,
    resource_hash  UInt64,
    resource_type  LowCardinality(String),
    account_id     LowCardinality(String),
    region         LowCardinality(String),
    marqo_customer LowCardinality(String),
    marqo_cluster  LowCardinality(String),
    marqo_role     LowCardinality(String),
    physical_path  Array(String),
    moved          UInt8,
    component      LowCardinality(String),
    cost_a         Int64,
    cost_b         Int64,
    rate_micro     Int256,
    flagged        UInt8
)
ENGINE = MergeTree
PARTITION BY (pairs, compare_start, compare_days)
ORDER BY (pairs, compare_start, compare_days, rank, resource_key);

-- The rows of the pairs of one kind (`pairs`) whose compare_start is in [first, last] and whose
-- compare_days is at least min_days (month to date; 0 for the others), from the pair tables. A
-- resource in one place has one pair row per line (usage type).
CREATE VIEW IF NOT EXISTS cost_delta_pair_resources_source AS
WITH
    (n, d) -> intDiv(2 * abs(n) + d, 2 * d) * if(n < 0, -1, 1) AS rounded,
    (ca, cb, qa, qb, both) -> if(
        both AND qa > 0 AND qb > 0 AND (ca != cb OR qa != qb)
            AND (qa > 9223372036854775807 OR qb > 9223372036854775807
                 OR toInt128(cb) * qa != toInt128(ca) * qb),
        rounded((toInt256(cb) * qa - toInt256(ca) * qb) * (toInt256(qa) + qb), 2 * toInt256(qa) * qb),
        toInt256(0)) AS rate
SELECT
    pairs, compare_start, compare_days,
    -abs(total_b - total_a) AS rank,
    resource_key, resource_hash,
    if(startsWith(resource_key, 'unresourced:'), '', type) AS resource_type,
    account_id, region, marqo_customer, marqo_cluster, marqo_role, path AS physical_path,
    toUInt8(0) AS moved,
    multiIf(in_a AND in_b, 'continuing', in_b, 'created', 'removed') AS component,
    total_a AS cost_a, total_b AS cost_b, rate_micro, flagged
FROM
(
    SELECT pairs, compare_start, compare_days, resource_hash,
        any(resource_key) AS resource_key,
        max(resource_type) AS type,
        account_id, region, marqo_customer, marqo_cluster, marqo_role,
        any(physical_path) AS path,
        sum(cost_a) AS total_a,
        sum(cost_b) AS total_b,
        max(rows_a > 0) AS in_a,
        max(rows_b > 0) AS in_b,
        sum(rate(cost_a, cost_b, quantity_a, quantity_b, rows_a > 0 AND rows_b > 0)) AS rate_micro,
        toUInt8(max(rows_a > 0 AND rows_b > 0 AND (quantity_a <= 0 OR quantity_b <= 0))) AS flagged
    FROM
    (
        SELECT 'week' AS pairs, compare_start, toUInt8(0) AS compare_days,
            resource_hash, resource_key, resource_type, account_id, region, marqo_customer,
            marqo_cluster, marqo_role, physical_path, cost_a, cost_b, quantity_a, quantity_b,
            rows_a, rows_b
        FROM cost_delta_weeks
        WHERE {pairs:String} = 'week' AND split_resource = 0
          AND compare_start >= {first:Date} AND compare_start <= {last:Date}
        UNION ALL
        SELECT 'month', compare_start, toUInt8(0),
            resource_hash, resource_key, resource_type, account_id, region, marqo_customer,
            marqo_cluster, marqo_role, physical_path, cost_a, cost_b, quantity_a, quantity_b,
            rows_a, rows_b
        FROM cost_delta_months
        WHERE {pairs:String} = 'month' AND split_resource = 0
          AND compare_start >= {first:Date} AND compare_start <= {last:Date}
        UNION ALL
        SELECT 'mtd', compare_start, compare_days,
            resource_hash, resource_key, resource_type, account_id, region, marqo_customer,
            marqo_cluster, marqo_role, physical_path, cost_a, cost_b, quantity_a, quantity_b,
            rows_a, rows_b
        FROM cost_delta_mtd
        WHERE {pairs:String} = 'mtd' AND split_resource = 0
          AND compare_start >= {first:Date} AND compare_start <= {last:Date}
          AND compare_days >= {min_days:UInt8}
    )
    GROUP BY pairs, compare_start, compare_days, resource_hash, account_id, region, marqo_customer,
             marqo_cluster, marqo_role
)
UNION ALL
-- The resources that moved, as the root sees them (every row under the node: created, removed or
-- continuing, with the owner of the last day), from their lines in cost_delta_pair_moves (below),
-- which are written first. Below the root they are classified per request.
SELECT
    pairs, compare_start, compare_days,
    -abs(total_b - total_a) AS rank,
    resource_key, resource_hash,
    seen.1 AS resource_type, seen.2 AS account_id, seen.3 AS region, seen.4 AS marqo_customer,
    seen.5 AS marqo_cluster, seen.6 AS marqo_role, path AS physical_path,
    toUInt8(1) AS moved,
    multiIf(in_a AND in_b, 'continuing', in_b, 'created', 'removed') AS component,
    total_a AS cost_a, total_b AS cost_b, rate_micro, flagged
FROM
(
    SELECT pairs, compare_start, compare_days, resource_hash,
        any(line_key) AS resource_key,
        argMax(line_seen, (last, line_seen)) AS seen,
        argMax(line_path, (last, line_seen, line_path)) AS path,
        sum(c_a) AS total_a,
        sum(c_b) AS total_b,
        max(r_a > 0) AS in_a,
        max(r_b > 0) AS in_b,
        sum(rate(c_a, c_b, q_a, q_b, r_a > 0 AND r_b > 0)) AS rate_micro,
        toUInt8(max(r_a > 0 AND r_b > 0 AND (q_a <= 0 OR q_b <= 0))) AS flagged
    FROM
    (
        SELECT pairs, compare_start, compare_days, resource_hash,
            any(resource_key) AS line_key,
            argMax(tuple(if(startsWith(resource_key, 'unresourced:'), '', resource_type),
                         account_id, region, marqo_customer, marqo_cluster, marqo_role),
                   (last_day, account_id, region, marqo_customer, marqo_cluster, marqo_role,
                    resource_type)) AS line_seen,
            argMax(physical_path, (last_day, physical_path)) AS line_path,
            max(last_day) AS last,
            sum(cost_a) AS c_a, sum(quantity_a) AS q_a, sum(rows_a) AS r_a,
            sum(cost_b) AS c_b, sum(quantity_b) AS q_b, sum(rows_b) AS r_b
        FROM cost_delta_pair_moves
        WHERE pairs = {pairs:String}
          AND compare_start >= {first:Date} AND compare_start <= {last:Date}
          AND compare_days >= {min_days:UInt8}
        GROUP BY pairs, compare_start, compare_days, resource_hash, usage_hash
    )
    GROUP BY pairs, compare_start, compare_days, resource_hash
);

-- cost_delta_pair_moves: the lines of the resources that moved inside a pair (split_resource =
-- 1 in the pair table), one row per pair x resource x usage type x place, with the day it was
-- last there, from the one-day blocks. A moved resource's line depends on the node (continuing
-- when all of its rows are under the node, else created, removed or a transfer, labelled by where
-- it was last): delta_resources_pair.sql classifies these rows per request exactly as
-- delta_resources.sql classifies the block rows.
CREATE TABLE IF NOT EXISTS cost_delta_pair_moves
(
    pairs          LowCardinality(String),
    compare_start  Date,
    compare_days   UInt8,
    resource_hash  UInt64,
    usage_hash     UInt64,
    resource_key   String,
    resource_type  LowCardinality(String),
    account_id     LowCardinality(String),
    region         LowCardinality(String),
    marqo_customer LowCardinality(String),
    marqo_cluster  LowCardinality(String),
    marqo_role     LowCardinality(String),
    physical_path  Array(String),
    last_day       Date,
    cost_a         Int64,
    quantity_a     Int128,
    rows_a         UInt32,
    cost_b         Int64,
    quantity_b     Int128,
    rows_b         UInt32
)
ENGINE = MergeTree
PARTITION BY (pairs, compare_start, compare_days)
ORDER BY (pairs, compare_start, compare_days, resource_hash, usage_hash);

-- The moved resources' lines of the pairs of one kind whose compare_start is in [first, last] and
-- whose compare_days is at least min_days, from the pair tables (which resources moved, and the
-- pair's windows) and the one-day blocks of those windows (first: at least 1970-02-01).
CREATE VIEW IF NOT EXISTS cost_delta_pair_moves_source AS
SELECT
    m.pairs AS pairs, m.compare_start AS compare_start, m.compare_days AS compare_days,
    b.resource_hash AS resource_hash, b.usage_hash AS usage_hash,
    any(b.resource_key) AS resource_key,
    argMax(b.resource_type, (b.last_day, b.resource_type)) AS resource_type,
    b.account_id AS account_id, b.region AS region, b.marqo_customer AS marqo_customer,
    b.marqo_cluster AS marqo_cluster, b.marqo_role AS marqo_role,
    any(b.physical_path) AS physical_path,
    max(b.last_day) AS last_day,
    sumIf(b.cost_micro, b.block_start < m.compare_start) AS cost_a,
    sumIf(b.quantity_micro, b.block_start < m.compare_start) AS quantity_a,
    sumIf(b.cost_rows, b.block_start < m.compare_start) AS rows_a,
    sumIf(b.cost_micro, b.block_start >= m.compare_start) AS cost_b,
    sumIf(b.quantity_micro, b.block_start >= m.compare_start) AS quantity_b,
    sumIf(b.cost_rows, b.block_start >= m.compare_start) AS rows_b
FROM
(
    SELECT * FROM cost_delta_blocks
    WHERE level = 0
      AND block_start >= least({first:Date} - 7, addMonths(toStartOfMonth({first:Date}), -1))
      AND block_start < greatest({last:Date} + 7, addMonths(toStartOfMonth({last:Date}), 1))
) AS b
INNER JOIN
(
    -- The pairs' moved resources, with the pair's windows: A = [a0, a1), B = [compare_start, b1).
    SELECT DISTINCT 'week' AS pairs, compare_start, toUInt8(0) AS compare_days, resource_hash,
        compare_start - 7 AS a0, compare_start AS a1, compare_start + 7 AS b1
    FROM cost_delta_weeks
    WHERE {pairs:String} = 'week' AND split_resource = 1
      AND compare_start >= {first:Date} AND compare_start <= {last:Date}
    UNION ALL
    SELECT DISTINCT 'month', compare_start, toUInt8(0), resource_hash,
        addMonths(compare_start, -1), compare_start, addMonths(compare_start, 1)
    FROM cost_delta_months
    WHERE {pairs:String} = 'month' AND split_resource = 1
      AND compare_start >= {first:Date} AND compare_start <= {last:Date}
    UNION ALL
    SELECT DISTINCT 'mtd', compare_start, compare_days, resource_hash,
        addMonths(compare_start, -1),
        addMonths(compare_start, -1)
            + least(compare_days, dateDiff('day', addMonths(compare_start, -1), compare_start)),
        compare_start + compare_days
    FROM cost_delta_mtd
    WHERE {pairs:String} = 'mtd' AND split_resource = 1
      AND compare_start >= {first:Date} AND compare_start <= {last:Date}
      AND compare_days >= {min_days:UInt8}
) AS m ON b.resource_hash = m.resource_hash
WHERE (b.block_start >= m.a0 AND b.block_start < m.a1)
   OR (b.block_start >= m.compare_start AND b.block_start < m.b1)
GROUP BY pairs, compare_start, compare_days, resource_hash, usage_hash, account_id, region,
         marqo_customer, marqo_cluster, marqo_role, b.place_hash;

-- The rows of the pairs written before this migration, the moves first (the resources table's
-- moved rows are summed from them). Each table is emptied first, so that re-running a migration
-- that failed half-way cannot write a row twice.
TRUNCATE TABLE cost_delta_pair_moves;

INSERT INTO cost_delta_pair_moves
SELECT * FROM cost_delta_pair_moves_source(
    pairs = 'week', first = '1970-02-01', last = '2149-05-01', min_days = 0)
SETTINGS max_partitions_per_insert_block = 0;

INSERT INTO cost_delta_pair_moves
SELECT * FROM cost_delta_pair_moves_source(
    pairs = 'month', first = '1970-02-01', last = '2149-05-01', min_days = 0)
SETTINGS max_partitions_per_insert_block = 0;

INSERT INTO cost_delta_pair_moves
SELECT * FROM cost_delta_pair_moves_source(
    pairs = 'mtd', first = '1970-02-01', last = '2149-05-01', min_days = 0)
SETTINGS max_partitions_per_insert_block = 0;

TRUNCATE TABLE cost_delta_pair_resources;

INSERT INTO cost_delta_pair_resources
SELECT * FROM cost_delta_pair_resources_source(
    pairs = 'week', first = '1970-02-01', last = '2149-05-01', min_days = 0)
SETTINGS max_partitions_per_insert_block = 0;

INSERT INTO cost_delta_pair_resources
SELECT * FROM cost_delta_pair_resources_source(
    pairs = 'month', first = '1970-02-01', last = '2149-05-01', min_days = 0)
SETTINGS max_partitions_per_insert_block = 0;

INSERT INTO cost_delta_pair_resources
SELECT * FROM cost_delta_pair_resources_source(
    pairs = 'mtd', first = '1970-02-01', last = '2149-05-01', min_days = 0)
SETTINGS max_partitions_per_insert_block = 0
