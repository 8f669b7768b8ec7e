-- tile(s, k, w0, w1): is the block of 2^k days from day number s a maximal block inside the
-- window [w0, w1)? tiles: the (block_start, level) pairs that tile both windows.
    (s, k, w0, w1) -> s >= toUInt16(w0) AND s + bitShiftLeft(1, k) <= toUInt16(w1)
        AND (k = 4 OR s - s % bitShiftLeft(2, k) < toUInt16(w0)
             OR s - s % bitShiftLeft(2, k) + bitShiftLeft(2, k) > toUInt16(w1)) AS tile,
    tiles AS (
        SELECT toDate(s), k
        FROM (SELECT arrayJoin(range(toUInt16(least(a0, b0)), toUInt16(greatest(a1, b1)))) AS s)
        ARRAY JOIN range(5) AS k
        WHERE s % bitShiftLeft(1, k) = 0 AND (tile(s, k, a0, a1) OR tile(s, k, b0, b1))
    ),
