-- delta_nodes at any node below the root for month to date: compare window B = the first days of a month
-- [compare_start, compare_end), base window A = the same days of the month before, cut at its end
-- (30 March to date against all of February). One of the files of the named query delta_nodes
-- (docs/attribution.md): the API and attribution.queries pick this one when the windows have that
-- shape, are not a whole month over the whole month before (delta_nodes_month), and the compare window
-- ends on or before the day after the last day with cost data (the pairs exist up to there;
-- a window reaching past it goes to the block files); delta_nodes_root_mtd at the root.
-- A copy of delta_nodes_month reading the month-to-date pairs.
--
-- Parameters
--   hierarchy     String  'logical' or 'physical'
--   node_id       String  the node (not the root)
--   base_start    Date    first day of the previous month
--   base_end      Date    base_start + least(days of B, days of that month)
--   compare_start Date    first day of a month
--   compare_end   Date    compare_start + 1 to the month's length in days
--   normalise     String  'none': raw totals (the default); 'daily': each window's cost and
--                         quantity divided by its number of days (a run rate per day)
--
-- Other windows fail with "delta_nodes_mtd answers the first days of a month against the same days of
-- the month before only".
--
-- Columns: those of delta_nodes_week, with the same meaning.
--
-- Reads cost_delta_mtd (migration 015): the rows of cost_delta_weeks for month-to-date pairs,
-- one pair per (compare_start, compare_days).
WITH
    {hierarchy:String} AS h,
    {node_id:String} AS node,
    {base_start:Date} AS a0,
    {base_end:Date} AS a1,
    {compare_start:Date} AS b0,
    {compare_end:Date} AS b1,
    (
        SELECT throwIf(h NOT IN ('logical', 'physical'), 'hierarchy must be logical or physical')
             + throwIf(a1 <= a0 OR b1 <= b0, 'each window must end after it starts (end is exclusive)')
             + throwIf(a0 < b1 AND b0 < a1, 'base and compare windows must not overlap')
             + throwIf({normalise:String} NOT IN ('none', 'daily'), 'normalise must be none or daily')
             + throwIf(toStartOfMonth(b0) != b0 OR a0 != addMonths(b0, -1) OR b1 > addMonths(b0, 1)
                       OR dateDiff('day', a0, a1) != least(dateDiff('day', b0, b1), dateDiff('day', a0, b0)),
                       'delta_nodes_mtd answers the first days of a month against the same days of the month before only')
             + throwIf(node = '', 'delta_nodes_mtd answers a node below the root only')
    ) AS invalid,
    -- normalise = 'daily': A's amounts times B's length, B's times A's (exact), each reported
    -- amount divided by both lengths and rounded half away from zero to 1e-6 (per_row); raw
    -- totals otherwise (factors 1).
    {normalise:String} = 'daily' AS per_day,
    if(per_day, toInt64(dateDiff('day', b0, b1)), 1) AS scale_a,
    if(per_day, toInt64(dateDiff('day', a0, a1)), 1) AS scale_b,
    scale_a * scale_b AS divisor,
    (x) -> intDiv(2 * abs(x) + divisor, 2 * divisor) * if(x < 0, -1, 1) AS per_row,
    -- The kind of node: logical 1 customer, 2 cluster, 3 role, 4 resource (also a physical
    -- unresourced pseudo-resource); physical 5 account, 6 region, 7 VPC, subnet or resource
    -- (placed by the physical path).
    multiIf(h = 'physical' AND startsWith(node, 'unresourced:'), 4,
            h = 'physical' AND startsWith(node, 'account:'), 5,
            h = 'physical' AND startsWith(node, 'region:'), 6,
            h = 'physical', 7,
            startsWith(node, 'customer:'), 1,
            startsWith(node, 'cluster:'), 2,
            startsWith(node, 'role:'), 3,
            4) AS kind,
    substring(node, position(node, ':') + 1) AS rest,
    splitByChar('/', rest) AS parts,
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
    -- The rows under the node, each with its child (the next level down, or the row's resource).
    pair AS (
        SELECT
            multiIf(
                kind = 1 AND marqo_cluster != '', concat('cluster:', rest, '/', marqo_cluster),
                kind = 1 AND marqo_role != '', concat('role:', rest, '//', marqo_role),
                kind = 2 AND marqo_role != '', concat('role:', rest, '/', marqo_role),
                kind = 5, concat('region:', rest, '/', region),
                kind = 6 AND notEmpty(physical_path), physical_path[1],
                kind = 7 AND resource_key != node AND indexOf(physical_path, node) < length(physical_path),
                    physical_path[indexOf(physical_path, node) + 1],
                resource_key) AS child,
            multiIf(
                kind = 1 AND marqo_cluster != '', 'cluster',
                kind <= 2 AND marqo_role != '', 'role',
                kind = 5, 'region',
                kind = 6 AND notEmpty(physical_path), physical_types[1],
                kind = 7 AND resource_key != node AND indexOf(physical_path, node) < length(physical_path),
                    physical_types[indexOf(physical_path, node) + 1],
                resource_type) AS child_type,
            resource_hash, usage_hash, split_resource, cost_a * scale_a AS sc_a, cost_b * scale_b AS sc_b,
            quantity_a * scale_a AS sq_a, quantity_b * scale_b AS sq_b,
            rows_a > 0 AS line_a, rows_b > 0 AS line_b, rows_a + rows_b AS line_rows,
            resource_in_a, resource_in_b
        FROM cost_delta_mtd
        WHERE compare_start = b0 AND compare_days = dateDiff('day', b0, b1)
          AND multiIf(
                kind = 1, marqo_customer = rest,
                kind = 2, marqo_cluster != '' AND concat('cluster:', marqo_customer, '/', marqo_cluster) = node,
                kind = 3, marqo_role != ''
                          AND concat('role:', marqo_customer, '/', marqo_cluster, '/', marqo_role) = node,
                kind = 4, resource_key = node,
                kind = 5, account_id = rest,
                kind = 6, account_id = parts[1] AND region = parts[2],
                resource_key = node OR has(physical_path, node))
    ),
    -- Every row of the pair's split resources (~1 % of them), wherever it is. (Not limited to the
    -- node's: that would evaluate the node's filter over the pair a second time.)
    split_rows AS (
        SELECT resource_hash, sum(rows_a + rows_b) AS resource_rows
        FROM cost_delta_mtd
        WHERE compare_start = b0 AND compare_days = dateDiff('day', b0, b1) AND split_resource
        GROUP BY resource_hash
    )
-- Components: 3 continuing (in both windows, every row of the resource under the child); else
-- 1 created (no cost anywhere in A), 2 removed (none anywhere in B), or 4 a transfer (in: c_B,
-- out: -c_A): it had cost in both windows but not always under the child.
SELECT
    child AS node_id,
    any(child_type) AS node_type,
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
FROM
(
    SELECT child, child_type, ca, cb, rate_micro, flagged,
        multiIf(in_a AND in_b AND NOT moved, 3, NOT had_a, 1, NOT had_b, 2, 4) AS component
    FROM
    (
        -- Per child x resource. A resource whose rows all share one place (nearly every one)
        -- has one child, and each of its rows is a whole line (resource x usage type).
        SELECT any(child) AS child, any(child_type) AS child_type,
            sum(sc_a) AS ca, sum(sc_b) AS cb, max(line_a) AS in_a, max(line_b) AS in_b,
            any(resource_in_a) AS had_a, any(resource_in_b) AS had_b,
            sum(rate(sc_a, sc_b, sq_a, sq_b, line_a AND line_b)) AS rate_micro,
            max(line_a AND line_b AND (sq_a <= 0 OR sq_b <= 0)) AS flagged,
            0 AS moved
        FROM pair
        WHERE NOT split_resource
        GROUP BY resource_hash
        UNION ALL
        -- A resource that moved (split_resource): its rows are summed into lines per child
        -- first, since a move that stays under one child splits a line over two places.
        SELECT child, any(child_type), sum(c_a), sum(c_b), max(l_a), max(l_b), any(had_a), any(had_b),
            sum(rate(c_a, c_b, q_a, q_b, l_a AND l_b)), max(l_a AND l_b AND (q_a <= 0 OR q_b <= 0)),
            sum(n) < any(resource_rows)
        FROM
        (
            SELECT child, resource_hash, any(child_type) AS child_type,
                sum(sc_a) AS c_a, sum(sc_b) AS c_b, sum(sq_a) AS q_a, sum(sq_b) AS q_b,
                max(line_a) AS l_a, max(line_b) AS l_b, sum(line_rows) AS n,
                any(resource_in_a) AS had_a, any(resource_in_b) AS had_b
            FROM pair
            WHERE split_resource
            GROUP BY child, resource_hash, usage_hash
        ) AS lines
        LEFT ANY JOIN split_rows USING (resource_hash)
        GROUP BY child, resource_hash
    )
)
WHERE invalid = 0
GROUP BY child
ORDER BY abs(delta) DESC, node_id
