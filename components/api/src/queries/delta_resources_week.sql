-- delta_resources for two adjacent 7-day windows (the API's default comparison): the same rows as
-- delta_resources, which the API and attribution.queries pick for any other windows
-- (docs/attribution.md). One of the two files of the named query delta_resources.
--
-- Parameters
--   base_start    Date    first day of the base window A (inclusive): compare_start - 7
--   base_end      Date    end of window A (exclusive): compare_start
--   compare_start Date    first day of the compare window B (inclusive)
--   compare_end   Date    end of window B (exclusive): compare_start + 7
--   hierarchy     String  'logical' or 'physical'
--   node_id       String  the node whose resources are listed; '' is the root (everything)
--   normalise     String  'none': raw totals (the default); 'daily': each window's cost and
--                         quantity per day of the window (docs/attribution.md)
--   limit         UInt32  page size (the API allows 1..1000)
--   offset        UInt32  rows to skip: the page starts after the `offset` largest changes
-- Other windows fail with "delta_resources_week answers two adjacent 7-day windows only".
--
-- Columns: as delta_resources (resource_id, resource_type, account_id, region, marqo_customer,
-- marqo_cluster, marqo_role, component, total_a, total_b, delta, created, removed, usage_effect,
-- rate_effect, transferred_in, transferred_out, flagged, total_rows), ordered by |delta|
-- descending, then resource_id.
--
-- delta_resources reads every cost row of both windows under the node (1.6 million at the root
-- of the 100 000-resource perf dataset) to rank them and keep one page. Here the week pairs
-- (cost_delta_weeks, migration 012: one row per place x resource x usage type, both windows' sums
-- side by side) rank the node's resources, and the page is answered from them: a resource in one
-- place only (split_resource = 0, ~99 %) has one row per line under any node, all of them under
-- the node, so it is continuing, created or removed by its own lines and its owner is its one
-- place. The page's resources that moved (split_resource) need their days (which place was the
-- last, whether they left the node or arrived in it), so they alone are classified from their
-- cost rows, exactly as delta_resources does.
WITH
    {hierarchy:String} AS h,
    {node_id:String} AS node,
    {base_start:Date} AS a0,
    {base_end:Date} AS a1,
    {compare_start:Date} AS b0,
    {compare_end:Date} AS b1,
    (
        -- @include delta_checks.sql
             + throwIf(a1 != b0 OR dateDiff('day', a0, a1) != 7 OR dateDiff('day', b0, b1) != 7,
                       'delta_resources_week answers two adjacent 7-day windows only')
    ) AS invalid,
    -- @include delta_resources_normalise.sql
    (d) -> (d >= a0 AND d < a1) OR (d >= b0 AND d < b1) AS in_span,
    -- @include node_regions.sql
    -- @include delta_rate.sql
    -- A pair row under the node: the rows placed under it by delta_resources' conditions, in the
    -- pair's columns (a physical node below a region by the row's physical path).
    multiIf(
        kind = 'root', 1,
        kind = 'customer', marqo_customer = substring(node, 10),
        kind = 'cluster', marqo_cluster != ''
            AND concat('cluster:', marqo_customer, '/', marqo_cluster) = node,
        kind = 'role', marqo_role != ''
            AND concat('role:', marqo_customer, '/', marqo_cluster, '/', marqo_role) = node,
        kind = 'leaf', resource_key = node,
        kind = 'account', account_id = substring(node, 9),
        kind = 'region', account_id = node_accounts[1] AND region = node_regions[1],
        resource_key = node OR has(physical_path, node)
    ) AS under_node,
    -- The page, ranked from the pairs by the node's totals of each resource (as in
    -- delta_resources) in Int64 micro-units, rounded as per_row rounds them, with the cheap
    -- columns only: the rate effect and the owner columns of every resource cost more than all the
    -- rest at the root, so they are computed for the page alone (details). One scalar subquery:
    -- ClickHouse computes it once however often it is used below, where a CTE would run again at
    -- every use.
    (
        SELECT (groupArray(tuple(resource_hash, rkey, split)), any(total_rows))
        FROM
        (
            SELECT
                resource_hash,
                any(resource_key) AS rkey,
                any(split_resource) AS split,
                sum(cost_a) * scale_a AS sa,
                sum(cost_b) * scale_b AS sb,
                count() OVER () AS total_rows
            FROM cost_delta_weeks
            WHERE compare_start = b0 AND under_node
            GROUP BY resource_hash
            ORDER BY abs(intDiv(2 * abs(sb) + divisor, 2 * divisor) * if(sb < 0, -1, 1)
                         - intDiv(2 * abs(sa) + divisor, 2 * divisor) * if(sa < 0, -1, 1)) DESC,
                     rkey
            LIMIT {limit:UInt32} OFFSET {offset:UInt32}
        )
    ) AS ranked,
    arrayMap(x -> x.1, ranked.1) AS page_hashes,
    arrayMap(x -> x.2, arrayFilter(x -> x.3, ranked.1)) AS moved_keys,
    -- Only the page's resources that moved are classified from their cost rows (none: no read).
    -- (By resource_id first: building every row's key would cost more than the lookup. IN a
    -- set, not has() on the array: has() compares each row with every key of a 1000-row page.)
    notEmpty(moved_keys)
        AND (resource_id IN (SELECT arrayJoin(moved_keys))
             OR resource_id = ''
                AND concat('unresourced:', account_id, '/', region, '/', service_name)
                    IN (SELECT arrayJoin(moved_keys)))
        AS listed,
    -- The page's resources from their rows under the node: totals, rate, and the owner of
    -- those that did not move (their one place).
    details AS (
        SELECT
            resource_hash,
            max(rows_a > 0) AS in_a,
            max(rows_b > 0) AS in_b,
            per_row(toInt256(sum(cost_a)) * scale_a) AS total_a,
            per_row(toInt256(sum(cost_b)) * scale_b) AS total_b,
            sum(rate(cost_a * scale_a, cost_b * scale_b, quantity_a * scale_a,
                     quantity_b * scale_b, rows_a > 0 AND rows_b > 0)) AS rate_micro,
            max(rows_a > 0 AND rows_b > 0 AND (quantity_a <= 0 OR quantity_b <= 0)) AS flagged,
            -- The pairs type cost without a resource 'unresourced' (delta_nodes' node_type); its
            -- cost rows, which delta_resources shows, have no type.
            any(tuple(if(startsWith(resource_key, 'unresourced:'), '', resource_type), account_id,
                      region, marqo_customer, marqo_cluster, marqo_role)) AS seen
        FROM cost_delta_weeks
        WHERE compare_start = b0 AND under_node
          AND resource_hash IN (SELECT arrayJoin(page_hashes))
        GROUP BY resource_hash
    ),
    page AS (
        SELECT r.1 AS resource_hash, r.2 AS rkey, r.3 AS split, d.in_a AS in_a, d.in_b AS in_b,
            d.total_a AS total_a, d.total_b AS total_b, d.rate_micro AS rate_micro,
            d.flagged AS flagged, d.seen AS seen
        FROM (SELECT arrayJoin(ranked.1) AS r) AS k
        LEFT ANY JOIN details AS d ON k.r.1 = d.resource_hash
    ),
    -- @include delta_resources_classified.sql
SELECT
    p.rkey AS resource_id,
    tupleElement(if(p.split, c.seen, p.seen), 1) AS resource_type,
    tupleElement(if(p.split, c.seen, p.seen), 2) AS account_id,
    tupleElement(if(p.split, c.seen, p.seen), 3) AS region,
    tupleElement(if(p.split, c.seen, p.seen), 4) AS marqo_customer,
    tupleElement(if(p.split, c.seen, p.seen), 5) AS marqo_cluster,
    tupleElement(if(p.split, c.seen, p.seen), 6) AS marqo_role,
    if(p.split, c.component,
       multiIf(p.in_a AND p.in_b, 'continuing', NOT p.in_a, 'created', 'removed')) AS component,
    p.total_a AS total_a,
    p.total_b AS total_b,
    total_b - total_a AS delta,
    if(component = 'created', total_b, 0) AS created,
    if(component = 'removed', -total_a, 0) AS removed,
    if(component = 'continuing', delta - if(p.split, c.rate, per_row(p.rate_micro)), 0) AS usage_effect,
    if(component = 'continuing', if(p.split, c.rate, per_row(p.rate_micro)), 0) AS rate_effect,
    if(startsWith(component, 'transferred'), total_b, 0) AS transferred_in,
    if(startsWith(component, 'transferred'), -total_a, 0) AS transferred_out,
    toUInt8(if(p.split, c.flagged, p.flagged) AND component = 'continuing') AS flagged,
    assumeNotNull(ranked.2) AS total_rows
FROM page AS p
LEFT ANY JOIN classified AS c ON p.rkey = c.rkey
WHERE invalid = 0
ORDER BY abs(delta) DESC, resource_id
SETTINGS join_use_nulls = 0
