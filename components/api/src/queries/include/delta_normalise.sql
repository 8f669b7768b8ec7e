-- normalise: per_day, the windows' scale factors and per_row (docs/attribution.md).
    -- normalise = 'daily': A's amounts times B's length, B's times A's (exact), each reported
    -- amount divided by both lengths and rounded half away from zero to 1e-6 (per_row); raw
    -- totals otherwise (factors 1).
    {normalise:String} = 'daily' AS per_day,
    if(per_day, toInt64(dateDiff('day', b0, b1)), 1) AS scale_a,
    if(per_day, toInt64(dateDiff('day', a0, a1)), 1) AS scale_b,
    scale_a * scale_b AS divisor,
    (x) -> intDiv(2 * abs(x) + divisor, 2 * divisor) * if(x < 0, -1, 1) AS per_row,
