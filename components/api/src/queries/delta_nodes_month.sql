-- delta_nodes below the root for a calendar month over the month before (base window A = the
-- previous month, compare window B = the month: 28 to 31 days each, adjacent). One of the files
-- of the named query delta_nodes (docs/attribution.md): the API and attribution.queries pick this
-- one whenever the windows are two consecutive calendar months and the node is not the root
-- (delta_nodes_root_month), and one of the block files for any other windows; both give the same
-- rows. A copy of delta_nodes_week reading the month pairs.
--
-- Parameters
--   base_start    Date    first day of the previous month
--   base_end      Date    compare_start
--   compare_start Date    first day of a month
--   compare_end   Date    first day of the month after
--   hierarchy     String  'logical' (customer > cluster > role > resource) or
--                         'physical' (account > region > VPC > subnet > resource > attached)
--   node_id       String  the node whose children are returned (not ''). A node that has cost
--                         of its own (a resource with attached resources, a logical leaf) also
--                         returns itself as one row.
--   normalise     String  'none': raw totals (the default); 'daily': each window's cost and
--                         quantity per day of the window (docs/attribution.md)
--   basis         String  'effective' (the default): effective cost, commitments a component;
--                         'billed': billed cost, no commitment component (docs/attribution.md)
-- Other windows fail with "delta_nodes_month answers a calendar month over the month before only".
--
-- Columns: those of delta_nodes_week, with the same meaning.
--
-- Reads cost_delta_months (migration 013): the rows of cost_delta_weeks for month pairs, so every
-- kind of node is a filter on the row and every child an expression of it (see delta_nodes_week).
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
             + throwIf(toStartOfMonth(b0) != b0 OR a1 != b0 OR a0 != addMonths(b0, -1) OR b1 != addMonths(b0, 1),
                       'delta_nodes_month answers a calendar month over the month before only')
             + throwIf(node = '', 'delta_nodes_month answers a node below the root only')
    ) AS invalid,
    -- @include delta_normalise.sql
    -- @include delta_charge.sql
    -- @include delta_node_kind.sql
    -- @include delta_rate.sql
    -- The rows under the node, each with its child (the next level down, or the row's resource).
    pair AS (
        SELECT
            -- @include delta_pair_child.sql
        FROM cost_delta_months
        WHERE compare_start = b0
          -- @include delta_pair_node_filter.sql
    )
-- @include delta_pair_decomposition.sql
