-- delta_charges: the change under a node split by charge category, on the effective and on the
-- billed basis (docs/attribution.md, "The delta by charge category"). The decomposition
-- (delta_nodes) says what happened to resources; this says which kind of charge changed: usage at
-- its billed price, the commitment discounts (Savings Plans, Reserved Instances) amortised onto
-- usage, credits, adjustments (refunds and corrections), tax and purchases.
--
-- Parameters (those of delta_nodes, with the same checks and messages)
--   base_start    Date    first day of the base window A (inclusive)
--   base_end      Date    end of window A (exclusive)
--   compare_start Date    first day of the compare window B (inclusive)
--   compare_end   Date    end of window B (exclusive); the windows must not overlap
--   hierarchy     String  'logical' or 'physical'
--   node_id       String  the node whose cost is split; '' is the root (all cost)
--   normalise     String  'none': raw totals (the default); 'daily': per day of each window
--
-- Columns: category ('usage', 'commitment', 'credit', 'adjustment', 'tax', 'purchase': always six
-- rows, in that order), total_a, total_b, delta (effective cost), billed_total_a,
-- billed_total_b, billed_delta. On each basis the rows' totals sum to the node's total in each
-- window exactly (raw), so their deltas sum to total_b - total_a:
--   usage       billed cost of usage lines (both bases)
--   commitment  effective - billed of usage lines (effective basis); 0 on the billed basis
--   the others  the category's effective (billed) cost
-- With normalise = 'daily' each window's amount is per day of the window, every row rounded once
-- to 1e-6 (half away from zero), as delta_nodes rounds its rows.
--
-- Reads cost_attributed_daily: a line counts under the node where that day placed it (owner
-- columns, account, region; below a region the day's closure rows, or the resource itself).
WITH
    {hierarchy:String} AS h,
    {node_id:String} AS node,
    {base_start:Date} AS a0,
    {base_end:Date} AS a1,
    {compare_start:Date} AS b0,
    {compare_end:Date} AS b1,
    (d) -> (d >= a0 AND d < a1) OR (d >= b0 AND d < b1) AS in_span,
    -- @include node_regions.sql
    (
        -- @include delta_checks.sql
    ) AS invalid,
    -- @include delta_normalise.sql
    -- @include charge_category.sql
    ['usage', 'commitment', 'credit', 'adjustment', 'tax', 'purchase'] AS categories
SELECT
    category,
    toDecimal128(per_row(ea * scale_a), 6) / 1000000 AS total_a,
    toDecimal128(per_row(eb * scale_b), 6) / 1000000 AS total_b,
    total_b - total_a AS delta,
    toDecimal128(per_row(ba * scale_a), 6) / 1000000 AS billed_total_a,
    toDecimal128(per_row(bb * scale_b), 6) / 1000000 AS billed_total_b,
    billed_total_b - billed_total_a AS billed_delta
FROM (SELECT arrayJoin(categories) AS category) AS every
LEFT JOIN
(
    -- A usage line counts twice on the effective basis: its billed cost as usage and what the
    -- commitments added to or took off it as commitment.
    SELECT category,
        sumIf(amount_e, in_a) AS ea, sumIf(amount_e, NOT in_a) AS eb,
        sumIf(amount_b, in_a) AS ba, sumIf(amount_b, NOT in_a) AS bb
    FROM
    (
        SELECT charge_category(service_name, usage_type) AS line_category,
            charge_date >= a0 AND charge_date < a1 AS in_a,
            sum(toInt128(billed_cost * 1000000)) AS b,
            sum(toInt128(effective_cost * 1000000)) AS e
        FROM cost_attributed_daily
        WHERE in_span(charge_date) AND invalid = 0
          AND multiIf(
            -- @include node_owner_rows.sql
            -- @include node_cost_rows.sql
            )
        GROUP BY line_category, in_a
    )
    ARRAY JOIN
        if(line_category = 'usage', ['usage', 'commitment'], [line_category]) AS category,
        if(line_category = 'usage', [b, e - b], [e]) AS amount_e,
        if(line_category = 'usage', [b, toInt128(0)], [b]) AS amount_b
    GROUP BY category
) AS sums USING category
ORDER BY indexOf(categories, category)
