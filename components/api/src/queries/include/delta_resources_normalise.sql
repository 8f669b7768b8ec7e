-- delta_resources: the per-day view's scale factors and per_row, which
-- turns a scaled integer micro-amount into the reported Decimal.
    -- normalise = 'daily': A's amounts times B's length, B's times A's (exact), each reported
    -- amount divided by both lengths, rounded half away from zero to 1e-6; raw otherwise.
    {normalise:String} = 'daily' AS per_day,
    if(per_day, toInt64(dateDiff('day', b0, b1)), 1) AS scale_a,
    if(per_day, toInt64(dateDiff('day', a0, a1)), 1) AS scale_b,
    scale_a * scale_b AS divisor,
    (x) -> toDecimal128(intDiv(2 * abs(x) + divisor, 2 * divisor) * if(x < 0, -1, 1), 6) / 1000000
        AS per_row,
