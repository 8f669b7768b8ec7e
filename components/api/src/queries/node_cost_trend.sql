-- node_cost_trend: the cost under one node per day (every day present, zero without cost).
-- Each day counts the resources that were under the node on that day.
--
-- Parameters
--   hierarchy  String  'logical' or 'physical'
--   node_id    String  the node; '' is the root (all cost)
--   start      Date    first day (inclusive)
--   end        Date    end of the window (exclusive)
--
-- Columns: charge_date, billed_cost, effective_cost.
WITH
    {hierarchy:String} AS h,
    {node_id:String} AS node,
    {start:Date} AS d0,
    {end:Date} AS d1,
    (d) -> d >= d0 AND d < d1 AS in_span,
    -- @include node_regions.sql
    (
        SELECT throwIf(h NOT IN ('logical', 'physical'), 'hierarchy must be logical or physical')
             + throwIf(d1 <= d0, 'end must be after start (end is exclusive)')
    ) AS invalid,
SELECT
    charge_date,
    sum(billed) AS billed_cost,
    sum(effective) AS effective_cost
FROM
(
    -- Owner and account levels: the daily rollup has the columns.
    SELECT charge_date, billed_cost AS billed, effective_cost AS effective
    FROM cost_by_owner_daily
    WHERE kind IN ('root', 'customer', 'cluster', 'role', 'account')
      AND charge_date >= d0 AND charge_date < d1
      AND multiIf(
            -- @include node_owner_rows.sql
            0)
    UNION ALL
    -- Regions, resources and the physical levels between them: the attributed cost rows.
    SELECT charge_date, billed_cost, effective_cost
    FROM cost_attributed_daily
    WHERE kind IN ('leaf', 'region', 'below_region')
      AND charge_date >= d0 AND charge_date < d1
      AND multiIf(
            -- @include node_cost_rows.sql
            )
)
WHERE invalid = 0
GROUP BY charge_date
ORDER BY charge_date WITH FILL FROM d0 TO d1 STEP 1
