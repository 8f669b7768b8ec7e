-- delta_nodes for the API's default comparison: two adjacent 7-day windows (base_end =
-- compare_start, 7 days each), at any node below the root of either hierarchy. One of the six
-- files of the named query delta_nodes (docs/attribution.md): the API and attribution.queries
-- pick this one whenever the windows are a week over the week before and the node is not the
-- root (delta_nodes_root_week), and one of the four block files (delta_nodes_owner / _account /
-- _closure) for any other windows; both give the same rows.
--
-- Parameters
--   base_start    Date    first day of the base window A (inclusive): compare_start - 7
--   base_end      Date    end of window A (exclusive): compare_start
--   compare_start Date    first day of the compare window B (inclusive)
--   compare_end   Date    end of window B (exclusive): compare_start + 7
--   hierarchy     String  'logical' (customer > cluster > role > resource) or
--                         'physical' (account > region > VPC > subnet > resource > attached)
--   node_id       String  the node whose children are returned (not ''). A node that has cost
--                         of its own (a resource with attached resources, a logical leaf) also
--                         returns itself as one row.
--   normalise     String  'none': raw totals (the default); 'daily': each window's cost and
--                         quantity per day of the window (docs/attribution.md)
--   basis         String  'effective' (the default): effective cost, commitments a component;
--                         'billed': billed cost, no commitment component (docs/attribution.md)
-- Other windows fail with "delta_nodes_week answers two adjacent 7-day windows only".
--
-- Columns (money Decimal, of the basis; every row: created + removed + usage_effect + rate_effect
-- + transferred_in + transferred_out + commitment + credit + adjustment + tax + purchase = delta
-- = total_b - total_a, exactly)
--   node_id, node_type, total_a, total_b, delta, created, removed, usage_effect, rate_effect,
--   transferred_in, transferred_out (the usage lines at their billed cost), commitment, credit,
--   adjustment, tax, purchase (the change of the charge lines of each category: delta_charge.sql),
--   resource_count (charge lines are not resources), flagged_resources (continuing resources
--   whose quantity is unknown, so their change is all usage effect).
-- Sorted by |delta| descending.
--
-- Reads cost_delta_weeks (migration 012): one row per place x resource x usage type with both
-- windows' sums side by side. The place is the row's owner columns, account, region and
-- physical path below the region (VPC, subnet, parent resource), so every kind of node is a
-- filter on the row and every child an expression of it. Whether a resource had cost anywhere
-- in each window (transferred rather than created / removed) and whether its rows are in more
-- than one place (split_resource) come precomputed with the row. A split resource moved relative
-- to a child when it has rows in the pair that are not under that child: the child's rows are
-- compared with the resource's rows in the whole pair (resource_rows, migration 017).
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
             + throwIf(a1 != b0 OR dateDiff('day', a0, a1) != 7 OR dateDiff('day', b0, b1) != 7,
                       'delta_nodes_week answers two adjacent 7-day windows only')
             + throwIf(node = '', 'delta_nodes_week answers a node below the root only')
    ) AS invalid,
    -- @include delta_normalise.sql
    -- @include delta_charge.sql
    -- @include delta_node_kind.sql
    -- @include delta_rate.sql
    -- The rows under the node, each with its child (the next level down, or the row's resource).
    pair AS (
        SELECT
            -- @include delta_pair_child.sql
        FROM cost_delta_weeks
        WHERE compare_start = b0
          -- @include delta_pair_node_filter.sql
    )
-- @include delta_pair_decomposition.sql
