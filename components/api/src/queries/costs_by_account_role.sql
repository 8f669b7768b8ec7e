-- costs_by_account_role: cost per AWS account and role over a window, optionally for one
-- customer, from the daily cost-by-owner rollup.
--
-- Parameters
--   start     Date    first day (inclusive)
--   end       Date    end of the window (exclusive)
--   customer  String  restrict to this customer (marqo_customer); '' = all customers
--
-- Columns: account_id, role (marqo_role; '' when the owner has no role), billed_cost,
-- effective_cost, customers (distinct customers in the row). Sorted by effective_cost descending.
WITH
    {start:Date} AS d0,
    {end:Date} AS d1,
    {customer:String} AS wanted,
    (SELECT throwIf(d1 <= d0, 'end must be after start (end is exclusive)')) AS invalid
SELECT
    account_id,
    marqo_role AS role,
    sum(billed_cost) AS billed_cost,
    sum(effective_cost) AS effective_cost,
    uniqExact(marqo_customer) AS customers
FROM cost_by_owner_daily
WHERE charge_date >= d0 AND charge_date < d1
  AND (wanted = '' OR marqo_customer = wanted)
  AND invalid = 0
GROUP BY account_id, marqo_role
ORDER BY effective_cost DESC, account_id, role
