-- daily_trend: cost per day over a window (every day present, zero when there was no cost),
-- optionally for one customer, from the daily cost-by-owner rollup.
--
-- Parameters
--   start     Date    first day (inclusive)
--   end       Date    end of the window (exclusive)
--   customer  String  restrict to this customer (marqo_customer); '' = all customers
--
-- Columns: charge_date, billed_cost, effective_cost, attributed_cost (effective cost with an
-- owner), unattributed_cost (effective cost of the 'unattributed' customer).
WITH
    {start:Date} AS d0,
    {end:Date} AS d1,
    {customer:String} AS wanted,
    (SELECT throwIf(d1 <= d0, 'end must be after start (end is exclusive)')) AS invalid
SELECT
    charge_date,
    sum(billed) AS billed_cost,
    sum(effective) AS effective_cost,
    sumIf(effective, marqo_customer != 'unattributed') AS attributed_cost,
    sumIf(effective, marqo_customer = 'unattributed') AS unattributed_cost
FROM
(
    SELECT charge_date, marqo_customer, billed_cost AS billed, effective_cost AS effective
    FROM cost_by_owner_daily
)
WHERE charge_date >= d0 AND charge_date < d1
  AND (wanted = '' OR marqo_customer = wanted)
  AND invalid = 0
GROUP BY charge_date
ORDER BY charge_date WITH FILL FROM d0 TO d1 STEP 1
