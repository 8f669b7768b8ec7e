-- delta_nodes at any node below the root for month to date: compare window B = the first days of a month
-- [compare_start, compare_end), base window A = the same days of the month before, cut at its end
-- (30 March to date against all of February). One of the files of the named query delta_nodes
-- (docs/attribution.md): the API and attribution.queries pick this one when the windows have that
-- shape, are not a whole month over the whole month before (delta_nodes_month), and the compare window
-- ends on or before the day after the last day with cost data (the pairs exist up to there;
-- a window reaching past it goes to the block files); delta_nodes_root_mtd at the root.
-- A copy of delta_nodes_month reading the month-to-date pairs.
--
-- Parameters
--   hierarchy     String  'logical' or 'physical'
--   node_id       String  the node (not the root)
--   base_start    Date    first day of the previous month
--   base_end      Date    base_start + least(days of B, days of that month)
--   compare_start Date    first day of a month
--   compare_end   Date    compare_start + 1 to the month's length in days
--   normalise     String  'none': raw totals (the default); 'daily': each window's cost and
--                         quantity divided by its number of days (a run rate per day)
--   basis         String  'effective' (the default): effective cost, commitments a component;
--                         'billed': billed cost, no commitment component (docs/attribution.md)
--
-- Other windows fail with "delta_nodes_mtd answers the first days of a month against the same days of
-- the month before only".
--
-- Columns: those of delta_nodes_week, with the same meaning.
--
-- Reads cost_delta_mtd (migration 015): the rows of cost_delta_weeks for month-to-date pairs,
-- one pair per (compare_start, compare_days).
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
             + throwIf(toStartOfMonth(b0) != b0 OR a0 != addMonths(b0, -1) OR b1 > addMonths(b0, 1)
                       OR dateDiff('day', a0, a1) != least(dateDiff('day', b0, b1), dateDiff('day', a0, b0)),
                       'delta_nodes_mtd answers the first days of a month against the same days of the month before only')
             + throwIf(node = '', 'delta_nodes_mtd answers a node below the root only')
    ) AS invalid,
    -- @include delta_normalise.sql
    -- @include delta_charge.sql
    -- @include delta_node_kind.sql
    -- @include delta_rate.sql
    -- The rows under the node, each with its child (the next level down, or the row's resource).
    pair AS (
        SELECT
            -- @include delta_pair_child.sql
        FROM cost_delta_mtd
        WHERE compare_start = b0 AND compare_days = dateDiff('day', b0, b1)
          -- @include delta_pair_node_filter.sql
    )
-- @include delta_pair_decomposition.sql
