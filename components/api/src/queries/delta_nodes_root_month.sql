-- delta_nodes at the root (node_id = '') for a calendar month over the month before (base window
-- A = the previous month, compare window B = the month: 28 to 31 days each, adjacent). One of the
-- files of the named query delta_nodes (docs/attribution.md): the API and attribution.queries pick
-- this one for the root when the windows are two consecutive calendar months
-- (delta_nodes_month below the root), and delta_nodes_root for any other windows; both answer
-- with the same rows. delta_nodes_root_week for the month pairs.
--
-- Parameters
--   base_start    Date    first day of the previous month
--   base_end      Date    compare_start
--   compare_start Date    first day of a month
--   compare_end   Date    first day of the month after
--   hierarchy     String  'logical' (customer > cluster > role > resource) or
--                         'physical' (account > region > VPC > subnet > resource > attached)
--   node_id       String  '' (the root: customers or accounts)
--   normalise     String  'none': raw totals (the default); 'daily': each window's cost and
--                         quantity per day of the window (docs/attribution.md)
--   basis         String  'effective' (the default): effective cost, commitments a component;
--                         'billed': billed cost, no commitment component (docs/attribution.md)
-- Other windows fail with "delta_nodes_root_month answers a calendar month over the month before
-- only".
--
-- Columns: those of delta_nodes_root_week, with the same meaning.
--
-- Reads cost_delta_roots (migration 018): the month pair's decomposition at the root, written from
-- cost_delta_months whenever the pair is.
WITH
    {hierarchy:String} AS h,
    {base_start:Date} AS a0,
    {base_end:Date} AS a1,
    {compare_start:Date} AS b0,
    {compare_end:Date} AS b1,
    (
        -- @include delta_checks.sql
        -- @include delta_basis_check.sql
             + throwIf(toStartOfMonth(b0) != b0 OR a1 != b0 OR a0 != addMonths(b0, -1) OR b1 != addMonths(b0, 1),
                       'delta_nodes_root_month answers a calendar month over the month before only')
             + throwIf({node_id:String} != '', 'delta_nodes_root_month answers the root (node_id = \'\') only')
    ) AS invalid,
    -- @include delta_normalise.sql
    -- @include delta_charge.sql
    'month' AS roots_pairs,
    toUInt8(0) AS roots_days
-- @include delta_roots.sql
