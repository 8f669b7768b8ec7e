-- rate(c_a, c_b, q_a, q_b, in_both): a line's rate effect in micro-units, and rounded(n, d).
    -- A line's rate effect in integer micro-units: (C_B*Q_A - C_A*Q_B)*(Q_A + Q_B) / (2*Q_A*Q_B),
    -- rounded half away from zero, exactly as attribution/delta.py does. Only for a line in both
    -- windows whose price changed: C_B*Q_A != C_A*Q_B, exact in Int128 while quantities fit in
    -- Int64 (costs always do), and the Int256 division only then.
    (n, d) -> intDiv(2 * abs(n) + d, 2 * d) * if(n < 0, -1, 1) AS rounded,
    (ca, cb, qa, qb, both) -> if(
        both AND qa > 0 AND qb > 0 AND (ca != cb OR qa != qb)
            AND (qa > 9223372036854775807 OR qb > 9223372036854775807
                 OR toInt128(cb) * qa != toInt128(ca) * qb),
        rounded((toInt256(cb) * qa - toInt256(ca) * qb) * (toInt256(qa) + qb), 2 * toInt256(qa) * qb),
        toInt256(0)) AS rate,
