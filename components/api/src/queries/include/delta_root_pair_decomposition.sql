-- The decomposition at the root from the pair CTE (every row of a week, month or month-to-date
-- pair, its child the row's customer or account). The main SELECT of delta_nodes_root_week,
-- _root_month and _root_mtd.
-- Components: 3 continuing (in both windows, every row of the resource under the child); else
-- 1 created (no cost anywhere in A), 2 removed (none anywhere in B), or 4 a transfer (in: c_B,
-- out: -c_A): it had cost in both windows but not always under the child (a split resource
-- under two children).
SELECT
    concat(if(h = 'logical', 'customer:', 'account:'), child) AS node_id,
    if(h = 'logical', 'customer', 'account') AS node_type,
    -- @include delta_columns.sql
FROM
(
    SELECT child, ca, cb, rate_micro, flagged,
        multiIf(in_a AND in_b AND NOT moved, 3, NOT had_a, 1, NOT had_b, 2, 4) AS component
    FROM
    (
        -- Per child x resource. A resource whose rows all share one place (nearly every one)
        -- has one child, and each of its rows is a whole line (resource x usage type).
        SELECT any(child) AS child,
            sum(sc_a) AS ca, sum(sc_b) AS cb, max(line_a) AS in_a, max(line_b) AS in_b,
            any(resource_in_a) AS had_a, any(resource_in_b) AS had_b,
            sum(rate(sc_a, sc_b, sq_a, sq_b, line_a AND line_b)) AS rate_micro,
            max(line_a AND line_b AND (sq_a <= 0 OR sq_b <= 0)) AS flagged,
            0 AS moved
        FROM pair
        WHERE NOT split_resource
        GROUP BY resource_hash
        UNION ALL
        -- A resource that moved between places (split_resource): its rows are summed into
        -- lines per child first, since a move inside one customer (account) splits a line.
        SELECT child, sum(c_a), sum(c_b), max(l_a), max(l_b), any(had_a), any(had_b),
            sum(rate(c_a, c_b, q_a, q_b, l_a AND l_b)), max(l_a AND l_b AND (q_a <= 0 OR q_b <= 0)),
            count() OVER (PARTITION BY resource_hash) > 1
        FROM
        (
            SELECT child, resource_hash,
                sum(sc_a) AS c_a, sum(sc_b) AS c_b, sum(sq_a) AS q_a, sum(sq_b) AS q_b,
                max(line_a) AS l_a, max(line_b) AS l_b,
                any(resource_in_a) AS had_a, any(resource_in_b) AS had_b
            FROM pair
            WHERE split_resource
            GROUP BY child, resource_hash, usage_hash
        )
        GROUP BY child, resource_hash
    )
)
WHERE invalid = 0
GROUP BY child
ORDER BY abs(delta) DESC, node_id
