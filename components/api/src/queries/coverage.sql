-- coverage: the share of cost that has an owner, over a window (one row).
--
-- Parameters
--   start  Date  first day (inclusive)
--   end    Date  end of the window (exclusive)
--
-- Columns: total_cost, attributed_cost, unattributed_cost (effective cost of the explicit
-- 'unattributed' customer: untagged resources, resources unknown to the inventory, cost AWS
-- reports without a resource), coverage_pct (attributed / total x 100, Decimal; 100 when
-- there is no cost), customers (distinct owners with cost, 'unattributed' excluded).
WITH
    {start:Date} AS d0,
    {end:Date} AS d1,
    (SELECT throwIf(d1 <= d0, 'end must be after start (end is exclusive)')) AS invalid
SELECT
    sum(effective_cost) AS total_cost,
    sumIf(effective_cost, marqo_customer != 'unattributed') AS attributed_cost,
    sumIf(effective_cost, marqo_customer = 'unattributed') AS unattributed_cost,
    if(total_cost = 0, toDecimal128(100, 6),
       toDecimal128(attributed_cost * 100, 6) / total_cost) AS coverage_pct,
    uniqExactIf(marqo_customer, marqo_customer != 'unattributed') AS customers
FROM cost_by_owner_daily
WHERE charge_date >= d0 AND charge_date < d1 AND invalid = 0
