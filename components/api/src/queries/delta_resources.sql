-- delta_resources: the resources under a node, each classified relative to that node, with its
-- part of the node's delta (docs/attribution.md). The drill-down below delta_nodes.
--
-- Parameters
--   base_start    Date    first day of the base window A (inclusive)
--   base_end      Date    end of window A (exclusive)
--   compare_start Date    first day of the compare window B (inclusive)
--   compare_end   Date    end of window B (exclusive)
--   hierarchy     String  'logical' or 'physical'
--   node_id       String  the node whose resources are listed; '' is the root (everything)
--   normalise     String  'none': raw totals (the default); 'daily': each window's cost and
--                         quantity per day of the window (docs/attribution.md)
--   limit         UInt32  page size (the API allows 1..1000)
--   offset        UInt32  rows to skip: the page starts after the `offset` largest changes
-- Windows may differ in length; windows that share a day fail ("must not overlap").
--
-- Columns
--   resource_id (cost without a resource id appears as 'unresourced:<account>/<region>/<service>'),
--   resource_type, account_id, region, marqo_customer, marqo_cluster, marqo_role (the owner on
--   the resource's last day under the node), component ('created' | 'removed' | 'continuing' |
--   'transferred_in' | 'transferred_out'), total_a, total_b, delta, created, removed,
--   usage_effect, rate_effect, transferred_in, transferred_out, flagged (1 = continuing with an
--   unknown quantity: its whole change is reported as usage effect), total_rows (how many
--   resources the node has in all, on every page).
-- One page of the resources ordered by |delta| (largest first), then resource_id: walking the
-- pages to total_rows lists every resource once, and their deltas add up to the node's.
--
-- Reads cost_delta_blocks (migrations 011, 019) as delta_nodes does: each window is tiled by its
-- maximal blocks, and a block row's placement (owner, account, region, physical path on its
-- days) says whether it is under the node. The node's resources are ranked from their totals under
-- it, in Int64 micro-units; the page alone is classified, with its rate effect and owner, from all
-- of its resources' rows (under the node or not), whose last_day (migration 019) says where a
-- resource that moved was last. One file for every window: over two adjacent weeks it answers
-- about as fast as ranking from the week pairs did (docs/attribution.md).
WITH
    {hierarchy:String} AS h,
    {node_id:String} AS node,
    {base_start:Date} AS a0,
    {base_end:Date} AS a1,
    {compare_start:Date} AS b0,
    {compare_end:Date} AS b1,
    (
        -- @include delta_checks.sql
    ) AS invalid,
    -- @include delta_resources_normalise.sql
    (d) -> (d >= a0 AND d < a1) OR (d >= b0 AND d < b1) AS in_span,
    -- @include node_regions.sql
    -- @include node_customer_key.sql
    -- @include delta_rate.sql
    -- @include delta_tiles.sql
    -- A block row under the node (a physical node below a region by the row's physical path).
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
    -- The page, ranked by the node's totals of each resource in Int64 micro-units, rounded as per_row rounds them, with the cheap
    -- columns only: the rate effect and the owner columns of every resource cost more than all the
    -- rest at the root, so they are computed for the page alone (details). One scalar subquery:
    -- ClickHouse computes it once however often it is used below, where a CTE would run again at
    -- every use.
    (
        SELECT (groupArray(tuple(resource_hash, rkey)), any(total_rows))
        FROM
        (
            SELECT
                resource_hash,
                any(resource_key) AS rkey,
                sumIf(cost_micro, in_a) * scale_a AS sa,
                sumIf(cost_micro, NOT in_a) * scale_b AS sb,
                count() OVER () AS total_rows
            FROM
            (
                -- Every block read is a tile of A or of B, and the windows do not overlap: its
                -- first day says which.
                SELECT resource_hash, resource_key, cost_micro, block_start >= a0 AND block_start < a1 AS in_a
                FROM cost_delta_blocks
                WHERE (block_start, level) IN tiles AND in_node_customer AND under_node
            )
            GROUP BY resource_hash
            ORDER BY abs(intDiv(2 * abs(sb) + divisor, 2 * divisor) * if(sb < 0, -1, 1)
                         - intDiv(2 * abs(sa) + divisor, 2 * divisor) * if(sa < 0, -1, 1)) DESC,
                     rkey
            LIMIT {limit:UInt32} OFFSET {offset:UInt32}
        )
    ) AS ranked,
    arrayMap(x -> x.1, ranked.1) AS page_hashes,
    -- The page's resources classified from all of their rows in the tiles, as
    -- attribution/delta.py classifies them from their cost rows: continuing (in both windows,
    -- every row under the node), else created (no cost anywhere in A), removed (none anywhere in
    -- B), or a transfer, labelled transferred_in when it was under the node in B only or its last
    -- day was under the node, else transferred_out. The totals, rate and flag come from its lines
    -- under the node, its owner from the last day under the node. At the root every row is under
    -- the node, and cost without a resource never moves: nothing to look up for them. One scalar
    -- subquery, for the same reason as ranked.
    (
        SELECT groupArray(tuple(resource_hash, component, total_a, total_b, rate_micro, flagged,
                                seen))
        FROM
        (
            SELECT
                resource_hash,
                kind != 'root' AND NOT startsWith(any(line_key), 'unresourced:') AS looked_up,
                max(under AND rows_a > 0) AS in_a,
                max(under AND rows_b > 0) AS in_b,
                multiIf(
                    in_a AND in_b AND NOT (looked_up AND countIf(NOT under) > 0), 'continuing',
                    NOT if(looked_up, max(rows_a > 0), in_a), 'created',
                    NOT if(looked_up, max(rows_b > 0), in_b), 'removed',
                    in_b AND (NOT in_a OR maxIf(last, under) = max(last)), 'transferred_in',
                    'transferred_out') AS component,
                per_row(toInt256(sumIf(cost_a, under)) * scale_a) AS total_a,
                per_row(toInt256(sumIf(cost_b, under)) * scale_b) AS total_b,
                sumIf(rate(cost_a * scale_a, cost_b * scale_b, quantity_a * scale_a,
                           quantity_b * scale_b, rows_a > 0 AND rows_b > 0), under) AS rate_micro,
                max(under AND rows_a > 0 AND rows_b > 0 AND (quantity_a <= 0 OR quantity_b <= 0))
                    AS flagged,
                argMaxIf(line_seen, last, under) AS seen
            FROM
            (
                -- Per resource x usage type, under the node or not: the resource's lines.
                SELECT
                    resource_hash,
                    under_node AS under,
                    any(resource_key) AS line_key,
                    -- Blocks type cost without a resource 'unresourced' (delta_nodes' node_type);
                    -- its cost rows, which delta_resources shows, have no type.
                    argMax(tuple(if(startsWith(resource_key, 'unresourced:'), '', resource_type),
                                 account_id, region, marqo_customer, marqo_cluster, marqo_role),
                           last_day) AS line_seen,
                    max(last_day) AS last,
                    sumIf(cost_micro, in_a) AS cost_a,
                    sumIf(quantity_micro, in_a) AS quantity_a,
                    sumIf(cost_rows, in_a) AS rows_a,
                    sumIf(cost_micro, NOT in_a) AS cost_b,
                    sumIf(quantity_micro, NOT in_a) AS quantity_b,
                    sumIf(cost_rows, NOT in_a) AS rows_b
                FROM
                (
                    SELECT *, block_start >= a0 AND block_start < a1 AS in_a
                    FROM cost_delta_blocks
                    -- Every row of the page's resources, under the node or not.
                    PREWHERE resource_hash IN (SELECT arrayJoin(page_hashes))
                    WHERE (block_start, level) IN tiles
                )
                GROUP BY resource_hash, usage_hash, under
            )
            GROUP BY resource_hash
        )
    ) AS details
SELECT
    r.2 AS resource_id,
    d.7.1 AS resource_type,
    d.7.2 AS account_id,
    d.7.3 AS region,
    d.7.4 AS marqo_customer,
    d.7.5 AS marqo_cluster,
    d.7.6 AS marqo_role,
    d.2 AS component,
    d.3 AS total_a,
    d.4 AS total_b,
    total_b - total_a AS delta,
    if(component = 'created', total_b, 0) AS created,
    if(component = 'removed', -total_a, 0) AS removed,
    if(component = 'continuing', delta - per_row(d.5), 0) AS usage_effect,
    if(component = 'continuing', per_row(d.5), 0) AS rate_effect,
    if(startsWith(component, 'transferred'), total_b, 0) AS transferred_in,
    if(startsWith(component, 'transferred'), -total_a, 0) AS transferred_out,
    toUInt8(d.6 AND component = 'continuing') AS flagged,
    assumeNotNull(ranked.2) AS total_rows
FROM (SELECT arrayJoin(ranked.1) AS r) AS k
LEFT ANY JOIN (SELECT arrayJoin(details) AS d) AS x ON k.r.1 = x.d.1
WHERE invalid = 0
ORDER BY abs(delta) DESC, resource_id
SETTINGS join_use_nulls = 0
