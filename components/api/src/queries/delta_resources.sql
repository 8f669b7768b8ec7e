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
--   basis         String  'effective' (the default): effective cost, commitments a component;
--                         'billed': billed cost, no commitment component (docs/attribution.md)
--   limit         UInt32  page size (the API allows 1..1000)
--   offset        UInt32  rows to skip: the page starts after the `offset` largest changes
-- Windows may differ in length; windows that share a day fail ("must not overlap").
--
-- Columns
--   resource_id (cost without a resource id appears as 'unresourced:<account>/<region>/<service>'),
--   resource_type, account_id, region, marqo_customer, marqo_cluster, marqo_role (the owner on
--   the resource's last day under the node), component ('created' | 'removed' | 'continuing' |
--   'transferred_in' | 'transferred_out' for its usage; 'commitment' | 'credit' | 'adjustment' |
--   'tax' | 'purchase' for its charge lines of that category, each a row of its own, so a row is
--   one (resource_id, component)), total_a, total_b, delta, created, removed, usage_effect,
--   rate_effect, transferred_in, transferred_out, commitment, credit, adjustment, tax, purchase
--   (a charge row's delta is its category's), flagged (1 = continuing with an unknown quantity:
--   its whole change is reported as usage effect), total_rows (how many rows the node has in
--   all, on every page).
-- One page of the rows ordered by |delta| (largest first), then resource_id and component:
-- walking the pages to total_rows lists every row once, and their deltas add up to the node's.
--
-- Reads cost_delta_blocks (migrations 011, 019) as delta_nodes does: each window is tiled by its
-- maximal blocks, and a block row's placement (owner, account, region, physical path on its
-- days) says whether it is under the node. The node's resources are ranked from their totals under
-- it, in Int64 micro-units; the page alone is classified, with its rate effect and owner, from all
-- of its resources' rows (under the node or not), whose last_day (migration 019) says where a
-- resource that moved was last. Any windows and both views; the API and attribution.queries pick
-- delta_resources_pair.sql instead for the raw totals of a week, month or month-to-date pair,
-- which reads the same answer precomputed (docs/attribution.md).
WITH
    {hierarchy:String} AS h,
    {node_id:String} AS node,
    {base_start:Date} AS a0,
    {base_end:Date} AS a1,
    {compare_start:Date} AS b0,
    {compare_end:Date} AS b1,
    (
        -- @include delta_checks.sql
        -- @include delta_basis_check.sql
    ) AS invalid,
    -- @include delta_resources_normalise.sql
    -- @include delta_charge.sql
    -- @include node_kind.sql
    -- @include node_customer_key.sql
    -- @include delta_rate.sql
    -- @include delta_tiles.sql
    -- @include delta_resources_under_node.sql
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
                  AND in_basis(charge_of(usage_hash))
            )
            GROUP BY resource_hash
            ORDER BY abs(intDiv(2 * abs(sb) + divisor, 2 * divisor) * if(sb < 0, -1, 1)
                         - intDiv(2 * abs(sa) + divisor, 2 * divisor) * if(sa < 0, -1, 1)) DESC,
                     rkey
            LIMIT {limit:UInt32} OFFSET {offset:UInt32}
        )
    ) AS ranked,
    arrayMap(x -> x.1, ranked.1) AS page_hashes,
    -- @include delta_resources_details.sql
SELECT
    -- @include delta_resources_columns.sql
    assumeNotNull(ranked.2) AS total_rows
FROM (SELECT arrayJoin(ranked.1) AS r) AS k
LEFT ANY JOIN (SELECT arrayJoin(details) AS d) AS x ON k.r.1 = x.d.1
WHERE invalid = 0
ORDER BY abs(delta) DESC, resource_id, component
SETTINGS join_use_nulls = 0
