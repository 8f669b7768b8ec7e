-- The root's answer from cost_delta_roots (migration 018): one row per child (customer or
-- account) of the pair `roots_pairs` / `roots_days` starting at b0, its sums in micro-units scaled
-- by the window lengths for the daily view and rounded once, as the decomposition over the pair's
-- lines rounded them. The main SELECT of delta_nodes_root_week, _root_month and _root_mtd.
SELECT
    concat(if(h = 'logical', 'customer:', 'account:'), child) AS node_id,
    if(h = 'logical', 'customer', 'account') AS node_type,
    toDecimal128(per_row(cost_a * scale_a), 6) / 1000000 AS total_a,
    toDecimal128(per_row(cost_b * scale_b), 6) / 1000000 AS total_b,
    total_b - total_a AS delta,
    toDecimal128(per_row(created_b * scale_b), 6) / 1000000 AS created,
    -toDecimal128(per_row(removed_a * scale_a), 6) / 1000000 AS removed,
    delta - created - removed - rate_effect - transferred_in - transferred_out AS usage_effect,
    toDecimal128(per_row(if(per_day, rate_daily, rate_raw)), 6) / 1000000 AS rate_effect,
    toDecimal128(per_row(moved_in_b * scale_b), 6) / 1000000 AS transferred_in,
    -toDecimal128(per_row(moved_out_a * scale_a), 6) / 1000000 AS transferred_out,
    resource_count,
    flagged AS flagged_resources
FROM cost_delta_roots
WHERE pairs = roots_pairs AND compare_start = b0 AND compare_days = roots_days AND hierarchy = h
  AND invalid = 0
ORDER BY abs(delta) DESC, node_id
