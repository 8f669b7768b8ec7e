-- costs_by_account_role: cost per AWS account and role over a window, optionally for one
-- customer, from the daily cost-by-owner rollup.
--
-- Parameters
--   start     Date    first day (inclusive)
--   end       Date    end of the window (exclusive)
--   customer  String  restrict to this customer (marqo_customer); '' = all customers
--
-- Columns: account_id, role (marqo_role; '' when the owner has no role), billed_cost,
-- effective_cost, direct_effective_cost (the cost of the row's own resources) and
-- shared_effective_cost (what shared-cost split rules moved to owners with that role, in the
-- account of the cost they moved; docs/allocation.md; 0 without rules), which sum exactly to
-- effective_cost, customers (distinct customers in the row). Sorted by effective_cost descending.
--
-- Shared cost is read from cost_allocations, as costs_by_customer does: its parts are exactly
-- the rows of cost_attributed_daily whose owner_rule starts with 'allocation:', each in the
-- source row's account and with its target's role (a target without a role: role ''). Without
-- rules it is empty, so the rollup stays the only table this query scans.
WITH
    {start:Date} AS d0,
    {end:Date} AS d1,
    (SELECT throwIf(d1 <= d0, 'end must be after start (end is exclusive)')) AS invalid
SELECT
    account_id,
    role,
    billed_cost,
    effective_cost,
    effective_cost - shared.shared_effective_cost AS direct_effective_cost,
    shared.shared_effective_cost AS shared_effective_cost,
    customers
FROM
    (
        SELECT
            account_id,
            marqo_role AS role,
            sum(billed_cost) AS billed_cost,
            sum(effective_cost) AS effective_cost,
            uniqExact(marqo_customer) AS customers
        FROM cost_by_owner_daily
        WHERE charge_date >= {start:Date} AND charge_date < {end:Date}
          AND ({customer:String} = '' OR marqo_customer = {customer:String})
        GROUP BY account_id, marqo_role
    ) AS owned
    LEFT JOIN
    (
        -- A role no rule gave anything gets the column type's default: 0.
        SELECT account_id, to_role AS role, sum(effective_cost) AS shared_effective_cost
        FROM cost_allocations
        WHERE charge_date >= {start:Date} AND charge_date < {end:Date}
          AND ({customer:String} = '' OR to_customer = {customer:String})
        GROUP BY account_id, to_role
    ) AS shared USING (account_id, role)
WHERE invalid = 0
ORDER BY effective_cost DESC, account_id, role
