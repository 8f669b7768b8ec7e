-- 018 cost_delta_roots: the root's answer of delta_nodes for every precomputed pair (week over
-- week, calendar month over month, month to date), summed per child of the root: a customer
-- (logical) or an account (physical). At the root every row of a pair is under the node, so the
-- root's query had to classify each of the pair's ~120 000 lines per request (100 000 resources:
-- 110-170 ms); from this table it reads one row per child.
--
-- A row is one pair (pairs = 'week' | 'month' | 'mtd', compare_start, compare_days: the
-- month-to-date pair's days, 0 for the others) x hierarchy x child, with the decomposition's
-- sums in the integer micro-units of the pairs, exactly as delta_nodes_root_week and its
-- siblings summed them per request:
--   cost_a, cost_b            the child's totals in window A and B
--   created_b, removed_a      B of the resources with no cost anywhere in A / A of those with
--                             none anywhere in B
--   moved_in_b, moved_out_a   B / A of the resources that had cost in both windows but not always
--                             under this child (moved between children)
--   rate_raw, rate_daily      the rate effect of the continuing resources, summed per line
--                             (resource x usage type): with the raw sums, and with each window's
--                             sums scaled by the other window's length (normalise = 'daily': the
--                             rate effect is computed per line before the division by both
--                             lengths, so it cannot be derived from rate_raw)
--   resource_count, flagged   resources under the child; continuing resources whose quantity is
--                             unknown in a window
-- The other components scale linearly: the reader multiplies them by the window lengths for the
-- daily view and rounds once, as the per-request query did.
--
-- Engine: plain MergeTree, one partition per pair, as the pair tables: the attribution engine
-- (attribution/delta_roots.py) drops a pair's roots whenever it drops the pair and inserts them
-- from cost_delta_roots_source (below) after it inserts the pair, so the roots always equal their
-- pairs.
CREATE TABLE IF NOT EXISTS cost_delta_roots
(
    pairs           LowCardinality(String),
    compare_start   Date,
    compare_days    UInt8,
    hierarchy       LowCardinality(String),
    child           String,
    cost_a          Int64,
    cost_b          Int64,
    created_b       Int64,
    removed_a       Int64,
    moved_in_b      Int64,
    moved_out_a     Int64,
    rate_raw        Int256,
    rate_daily      Int256,
    resource_count  UInt64,
    flagged         UInt64
)
ENGINE = MergeTree
PARTITION BY (pairs, compare_start, compare_days)
ORDER BY (pairs, compare_start, compare_days, hierarchy, child);

-- The roots of the pairs of one kind (`pairs`) whose compare_start is in [first, last] and whose
-- compare_days is at least min_days (month to date; 0 for the others), from the pair tables.
-- Lines are summed per child first: a resource that moved between places under one child is one
-- line per usage type there, and a resource under more than one child is a transfer at each.
CREATE VIEW IF NOT EXISTS cost_delta_roots_source AS
WITH
    (n, d) -> intDiv(2 * abs(n) + d, 2 * d) * if(n < 0, -1, 1) AS rounded,
    (ca, cb, qa, qb, both) -> if(
        both AND qa > 0 AND qb > 0 AND (ca != cb OR qa != qb)
            AND (qa > 9223372036854775807 OR qb > 9223372036854775807
                 OR toInt128(cb) * qa != toInt128(ca) * qb),
        rounded((toInt256(cb) * qa - toInt256(ca) * qb) * (toInt256(qa) + qb), 2 * toInt256(qa) * qb),
        toInt256(0)) AS rate
SELECT
    pairs, compare_start, compare_days, hierarchy, child,
    sum(ca) AS cost_a,
    sum(cb) AS cost_b,
    sumIf(cb, component = 1) AS created_b,
    sumIf(ca, component = 2) AS removed_a,
    sumIf(cb, component = 4) AS moved_in_b,
    sumIf(ca, component = 4) AS moved_out_a,
    sumIf(rate_raw, component = 3) AS rate_raw,
    sumIf(rate_daily, component = 3) AS rate_daily,
    count() AS resource_count,
    toUInt64(sumIf(flagged, component = 3)) AS flagged
FROM
(
    SELECT *,
        multiIf(in_a AND in_b AND NOT moved, 3, NOT had_a, 1, NOT had_b, 2, 4) AS component
    FROM
    (
        SELECT pairs, compare_start, compare_days, hierarchy, child, resource_hash,
            sum(c_a) AS ca, sum(c_b) AS cb, max(l_a) AS in_a, max(l_b) AS in_b,
            any(had_a) AS had_a, any(had_b) AS had_b,
            sum(rate(c_a, c_b, q_a, q_b, l_a AND l_b)) AS rate_raw,
            sum(rate(c_a * len_b, c_b * len_a, q_a * len_b, q_b * len_a, l_a AND l_b)) AS rate_daily,
            max(l_a AND l_b AND (q_a <= 0 OR q_b <= 0)) AS flagged,
            count() OVER (PARTITION BY pairs, compare_start, compare_days, hierarchy, resource_hash)
                > 1 AS moved
        FROM
        (
            SELECT pairs, compare_start, compare_days, place.1 AS hierarchy, place.2 AS child,
                resource_hash,
                sum(cost_a) AS c_a, sum(cost_b) AS c_b, sum(quantity_a) AS q_a,
                sum(quantity_b) AS q_b, max(rows_a > 0) AS l_a, max(rows_b > 0) AS l_b,
                any(resource_in_a) AS had_a, any(resource_in_b) AS had_b,
                any(days_a) AS len_a, any(days_b) AS len_b
            FROM
            (
                SELECT 'week' AS pairs, compare_start, toUInt8(0) AS compare_days,
                    toInt64(7) AS days_a, toInt64(7) AS days_b,
                    marqo_customer, account_id, resource_hash, usage_hash, cost_a, cost_b, quantity_a,
                    quantity_b, rows_a, rows_b, resource_in_a, resource_in_b
                FROM cost_delta_weeks
                WHERE {pairs:String} = 'week'
                  AND compare_start >= {first:Date} AND compare_start <= {last:Date}
                UNION ALL
                SELECT 'month', compare_start, toUInt8(0),
                    toInt64(dateDiff('day', addMonths(compare_start, -1), compare_start)),
                    toInt64(dateDiff('day', compare_start, addMonths(compare_start, 1))),
                    marqo_customer, account_id, resource_hash, usage_hash, cost_a, cost_b, quantity_a,
                    quantity_b, rows_a, rows_b, resource_in_a, resource_in_b
                FROM cost_delta_months
                WHERE {pairs:String} = 'month'
                  AND compare_start >= {first:Date} AND compare_start <= {last:Date}
                UNION ALL
                SELECT 'mtd', compare_start, compare_days,
                    toInt64(least(compare_days,
                                  dateDiff('day', addMonths(compare_start, -1), compare_start))),
                    toInt64(compare_days),
                    marqo_customer, account_id, resource_hash, usage_hash, cost_a, cost_b, quantity_a,
                    quantity_b, rows_a, rows_b, resource_in_a, resource_in_b
                FROM cost_delta_mtd
                WHERE {pairs:String} = 'mtd'
                  AND compare_start >= {first:Date} AND compare_start <= {last:Date}
                  AND compare_days >= {min_days:UInt8}
            )
            ARRAY JOIN [('logical', marqo_customer), ('physical', account_id)] AS place
            GROUP BY pairs, compare_start, compare_days, hierarchy, child, resource_hash,
                     usage_hash
        )
        GROUP BY pairs, compare_start, compare_days, hierarchy, child, resource_hash
    )
)
GROUP BY pairs, compare_start, compare_days, hierarchy, child;

-- Roots of the pairs written before this migration. Emptied first, so that re-running a
-- migration that failed half-way cannot count a root twice.
TRUNCATE TABLE cost_delta_roots;

INSERT INTO cost_delta_roots
SELECT * FROM cost_delta_roots_source(pairs = 'week', first = '1970-01-01', last = '2149-06-06',
                                      min_days = 0)
SETTINGS max_partitions_per_insert_block = 0;

INSERT INTO cost_delta_roots
SELECT * FROM cost_delta_roots_source(pairs = 'month', first = '1970-01-01', last = '2149-06-06',
                                      min_days = 0)
SETTINGS max_partitions_per_insert_block = 0;

INSERT INTO cost_delta_roots
SELECT * FROM cost_delta_roots_source(pairs = 'mtd', first = '1970-01-01', last = '2149-06-06',
                                      min_days = 0)
SETTINGS max_partitions_per_insert_block = 0;
