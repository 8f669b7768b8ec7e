-- delta_nodes at the root (node_id = '') for the API's default comparison: two adjacent 7-day
-- windows (base_end = compare_start, 7 days each). One of the six files of the named query
-- delta_nodes (docs/attribution.md): the API and attribution.queries pick this one for the root
-- when the windows are a week over the week before (delta_nodes_week below the root), and
-- delta_nodes_root for any other windows; both answer with the same rows. The root has a file of
-- its own because it reads every row of the pair: choosing the child per row the way
-- delta_nodes_week does would cost it ~30 ms.
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
-- Other windows fail with "delta_nodes_root_week answers two adjacent 7-day windows only".
--
-- Columns (money Decimal, effective cost; every row: created + removed + usage_effect +
-- rate_effect + transferred_in + transferred_out = delta = total_b - total_a, exactly)
--   node_id, node_type, total_a, total_b, delta, created, removed, usage_effect, rate_effect,
--   transferred_in, transferred_out, resource_count, flagged_resources (continuing resources
--   whose quantity is unknown, so their change is all usage effect).
-- Sorted by |delta| descending.
--
-- Reads cost_delta_weeks (migration 012): one row per placement x resource x usage type with
-- both windows' sums side by side, whether the resource had cost anywhere in each window, and
-- whether the resource has rows under more than one placement (split_resource).
-- At the root every row is under the node: the child is the row's customer or account, and "cost
-- elsewhere" (transferred rather than created / removed) is the row's resource_in_a / _in_b.
WITH
    {hierarchy:String} AS h,
    {base_start:Date} AS a0,
    {base_end:Date} AS a1,
    {compare_start:Date} AS b0,
    {compare_end:Date} AS b1,
    (
        -- @include delta_checks.sql
             + throwIf(a1 != b0 OR dateDiff('day', a0, a1) != 7 OR dateDiff('day', b0, b1) != 7,
                       'delta_nodes_root_week answers two adjacent 7-day windows only')
             + throwIf({node_id:String} != '', 'delta_nodes_root_week answers the root (node_id = \'\') only')
    ) AS invalid,
    -- @include delta_normalise.sql
    -- @include delta_rate.sql
    pair AS (
        SELECT if(h = 'logical', marqo_customer, account_id) AS child, resource_hash, usage_hash,
            split_resource, cost_a * scale_a AS sc_a, cost_b * scale_b AS sc_b,
            quantity_a * scale_a AS sq_a, quantity_b * scale_b AS sq_b,
            rows_a > 0 AS line_a, rows_b > 0 AS line_b, resource_in_a, resource_in_b
        FROM cost_delta_weeks
        WHERE compare_start = b0
    )
-- @include delta_root_pair_decomposition.sql
