-- costs_by_customer: cost per customer over a window, from the daily cost-by-owner rollup.
--
-- Parameters
--   start  Date  first day (inclusive)
--   end    Date  end of the window (exclusive)
--
-- Columns: customer ('unattributed' = cost without an owner), node_id ('customer:<c>', the
-- logical node for drill-down), billed_cost, effective_cost, direct_effective_cost (the cost of
-- the customer's own resources) and shared_effective_cost (what shared-cost split rules moved to
-- it, docs/allocation.md; 0 without rules), which sum exactly to effective_cost, share_pct (of
-- the window's total effective cost, Decimal), accounts (distinct accounts the customer's cost is
-- in). Sorted by effective_cost descending.
--
-- Shared cost is read from cost_allocations, the provenance of every part a rule moved: its
-- parts are exactly the rows of cost_attributed_daily whose owner_rule starts with
-- 'allocation:' (written and rebuilt together), and without rules it is empty, so the rollup
-- stays the only table this query scans. Direct is the rest, so direct + shared = effective.
WITH
    {start:Date} AS d0,
    {end:Date} AS d1,
    (SELECT throwIf(d1 <= d0, 'end must be after start (end is exclusive)')) AS invalid
SELECT
    customer,
    node_id,
    billed_cost,
    effective_cost,
    effective_cost - shared.shared_effective_cost AS direct_effective_cost,
    shared.shared_effective_cost AS shared_effective_cost,
    share_pct,
    accounts
FROM
-- @include customer_costs.sql
WHERE invalid = 0
ORDER BY effective_cost DESC, customer
