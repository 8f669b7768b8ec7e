-- The root's answer from cost_delta_roots (migrations 018, 021): per child (customer or account)
-- of the pair `roots_pairs` / `roots_days` starting at b0, its row of the usage decomposition
-- (charge 0) and one row per charge of the basis (delta_charge.sql), its sums in micro-units
-- scaled by the window lengths for the daily view and rounded once, as the decomposition over the
-- pair's lines rounded them. The main SELECT of delta_nodes_root_week, _root_month and _root_mtd.
SELECT
    concat(if(h = 'logical', 'customer:', 'account:'), child) AS node_id,
    if(h = 'logical', 'customer', 'account') AS node_type,
    toDecimal128(per_row(sum(cost_a) * scale_a), 6) / 1000000 AS total_a,
    toDecimal128(per_row(sum(cost_b) * scale_b), 6) / 1000000 AS total_b,
    total_b - total_a AS delta,
    toDecimal128(per_row(sum(created_b) * scale_b), 6) / 1000000 AS created,
    -toDecimal128(per_row(sum(removed_a) * scale_a), 6) / 1000000 AS removed,
    delta - created - removed - rate_effect - transferred_in - transferred_out - commitment - credit
        - adjustment - tax - purchase AS usage_effect,
    toDecimal128(per_row(sum(if(per_day, rate_daily, rate_raw))), 6) / 1000000 AS rate_effect,
    toDecimal128(per_row(sum(moved_in_b) * scale_b), 6) / 1000000 AS transferred_in,
    -toDecimal128(per_row(sum(moved_out_a) * scale_a), 6) / 1000000 AS transferred_out,
    toDecimal128(per_row(sumIf(cost_b * scale_b - cost_a * scale_a, charge % 8 = 1)), 6) / 1000000
        AS commitment,
    toDecimal128(per_row(sumIf(cost_b * scale_b - cost_a * scale_a, charge % 8 = 2)), 6) / 1000000
        AS credit,
    toDecimal128(per_row(sumIf(cost_b * scale_b - cost_a * scale_a, charge % 8 = 3)), 6) / 1000000
        AS adjustment,
    toDecimal128(per_row(sumIf(cost_b * scale_b - cost_a * scale_a, charge % 8 = 4)), 6) / 1000000
        AS tax,
    toDecimal128(per_row(sumIf(cost_b * scale_b - cost_a * scale_a, charge % 8 = 5)), 6) / 1000000
        AS purchase,
    sum(resource_count) AS resource_count,
    sum(flagged) AS flagged_resources
FROM cost_delta_roots
WHERE pairs = roots_pairs AND compare_start = b0 AND compare_days = roots_days AND hierarchy = h
  AND in_basis(charge) AND invalid = 0
GROUP BY child
ORDER BY abs(delta) DESC, node_id
