-- The decomposition's columns after node_id and node_type, from the per child x resource rows
-- (ca, cb, rate_micro, flagged, component: 1 created, 2 removed, 3 continuing, 4 transferred, 5-9
-- the charge lines of a category, delta_charge.sql); per_row: delta_normalise.sql. A category's
-- component is the change of its lines, B - A, rounded once.
    toDecimal128(per_row(sum(ca)), 6) / 1000000 AS total_a,
    toDecimal128(per_row(sum(cb)), 6) / 1000000 AS total_b,
    total_b - total_a AS delta,
    toDecimal128(per_row(sumIf(cb, component = 1)), 6) / 1000000 AS created,
    -toDecimal128(per_row(sumIf(ca, component = 2)), 6) / 1000000 AS removed,
    delta - created - removed - rate_effect - transferred_in - transferred_out - commitment - credit
        - adjustment - tax - purchase AS usage_effect,
    toDecimal128(per_row(sumIf(rate_micro, component = 3)), 6) / 1000000 AS rate_effect,
    toDecimal128(per_row(sumIf(cb, component = 4)), 6) / 1000000 AS transferred_in,
    -toDecimal128(per_row(sumIf(ca, component = 4)), 6) / 1000000 AS transferred_out,
    toDecimal128(per_row(sumIf(cb - ca, component = 5)), 6) / 1000000 AS commitment,
    toDecimal128(per_row(sumIf(cb - ca, component = 6)), 6) / 1000000 AS credit,
    toDecimal128(per_row(sumIf(cb - ca, component = 7)), 6) / 1000000 AS adjustment,
    toDecimal128(per_row(sumIf(cb - ca, component = 8)), 6) / 1000000 AS tax,
    toDecimal128(per_row(sumIf(cb - ca, component = 9)), 6) / 1000000 AS purchase,
    countIf(component <= 4) AS resource_count,
    toUInt64(sumIf(flagged, component = 3)) AS flagged_resources
