-- delta_nodes at the root (node_id = '') for the API's default comparison: two adjacent 7-day
-- windows (base_end = compare_start, 7 days each). One of the six files of the named query
-- delta_nodes (docs/attribution.md): the API and attribution.queries pick this one for the root
-- when the windows are a week over the week before (delta_nodes_week below the root), and
-- delta_nodes_root for any other windows; both answer with the same rows. The root's answer is
-- precomputed per pair: every line of the pair is under the root, and classifying them per
-- request cost 75-110 ms at 100 000 resources.
--
-- Parameters
--   base_start    Date    first day of the base window A (inclusive): compare_start - 7
--   base_end      Date    end of window A (exclusive): compare_start
--   compare_start Date    first day of the compare window B (inclusive)
--   compare_end   Date    end of window B (exclusive): compare_start + 7
--   hierarchy     String  'logical' (customer > cluster > role > resource) or
--                         'physical' (account > region > VPC > subnet > resource > attached)
--   node_id       String  '' (the root: customers or accounts)
--   normalise     String  'none': raw totals (the default); 'daily': each window's cost and
--                         quantity per day of the window (docs/attribution.md)
--   basis         String  'effective' (the default): effective cost, commitments a component;
--                         'billed': billed cost, no commitment component (docs/attribution.md)
-- Other windows fail with "delta_nodes_root_week answers two adjacent 7-day windows only".
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
-- Reads cost_delta_roots (migration 018): the week pair's decomposition at the root, one row per
-- customer and per account, in micro-units, written from cost_delta_weeks whenever the pair is.
WITH
    {hierarchy:String} AS h,
    {base_start:Date} AS a0,
    {base_end:Date} AS a1,
    {compare_start:Date} AS b0,
    {compare_end:Date} AS b1,
    (
        -- @include delta_checks.sql
        -- @include delta_basis_check.sql
             + throwIf(a1 != b0 OR dateDiff('day', a0, a1) != 7 OR dateDiff('day', b0, b1) != 7,
                       'delta_nodes_root_week answers two adjacent 7-day windows only')
             + throwIf({node_id:String} != '', 'delta_nodes_root_week answers the root (node_id = \'\') only')
    ) AS invalid,
    -- @include delta_normalise.sql
    -- @include delta_charge.sql
    'week' AS roots_pairs,
    toUInt8(0) AS roots_days
-- @include delta_roots.sql
