-- The decomposition's columns after node_id and node_type, from the per child x resource rows
-- (ca, cb, rate_micro, flagged, component); per_row: delta_normalise.sql.
    toDecimal128(per_row(sum(ca)), 6) / 1000000 AS total_a,
    toDecimal128(per_row(sum(cb)), 6) / 1000000 AS total_b,
    total_b - total_a AS delta,
    toDecimal128(per_row(sumIf(cb, component = 1)), 6) / 1000000 AS created,
    -toDecimal128(per_row(sumIf(ca, component = 2)), 6) / 1000000 AS removed,
    delta - created - removed - rate_effect - transferred_in - transferred_out AS usage_effect,
    toDecimal128(per_row(sumIf(rate_micro, component = 3)), 6) / 1000000 AS rate_effect,
    toDecimal128(per_row(sumIf(cb, component = 4)), 6) / 1000000 AS transferred_in,
    -toDecimal128(per_row(sumIf(ca, component = 4)), 6) / 1000000 AS transferred_out,
    count() AS resource_count,
    toUInt64(sumIf(flagged, component = 3)) AS flagged_resources
