-- The decomposition below the root from the pair CTE (cost_delta_weeks / _months / _mtd rows under
-- the node, each with its child): per child x resource, then per child. The main SELECT of
-- delta_nodes_week, _month and _mtd.
-- Components: 5-9 the charge lines of a category (delta_charge.sql); else 3 continuing (in both
-- windows, every row of the resource under the child); else 1 created (no cost anywhere in A),
-- 2 removed (none anywhere in B), or 4 a transfer (in: c_B, out: -c_A): it had cost in both
-- windows but not always under the child.
SELECT
    child AS node_id,
    any(child_type) AS node_type,
    -- @include delta_columns.sql
FROM
(
    SELECT child, child_type, ca, cb, rate_micro, flagged,
        multiIf(line_charge > 0, 4 + line_charge % 8, in_a AND in_b AND NOT moved, 3, NOT had_a, 1,
                NOT had_b, 2, 4) AS component
    FROM
    (
        -- Per child x resource, from its lines. A resource whose rows all share one place (nearly
        -- every one) has one child and one row per line (resource x usage type); a resource that
        -- moved (split_resource) has a line split over two places when the move stays under one
        -- child, so rows are summed into lines per child first. pair is read once: each reference
        -- to a CTE is analysed and read again, which cost as much as the rest of the query.
        -- moved: the resource has rows in the pair that are not under this child (fewer here than
        -- resource_rows, all of its rows in the pair).
        SELECT child, any(child_type) AS child_type,
            sum(c_a) AS ca, sum(c_b) AS cb, max(l_a) AS in_a, max(l_b) AS in_b,
            any(had_a) AS had_a, any(had_b) AS had_b,
            sum(rate(c_a, c_b, q_a, q_b, l_a AND l_b)) AS rate_micro,
            max(l_a AND l_b AND (q_a <= 0 OR q_b <= 0)) AS flagged,
            any(split) AND sum(n) < any(all_rows) AS moved,
            max(charge_of(usage_hash)) AS line_charge
        FROM
        (
            SELECT child, resource_hash, usage_hash, any(child_type) AS child_type,
                sum(sc_a) AS c_a, sum(sc_b) AS c_b, sum(sq_a) AS q_a, sum(sq_b) AS q_b,
                max(line_a) AS l_a, max(line_b) AS l_b, sum(line_rows) AS n,
                any(resource_in_a) AS had_a, any(resource_in_b) AS had_b, any(split_resource) AS split,
                any(resource_rows) AS all_rows
            FROM pair
            GROUP BY child, resource_hash, usage_hash
        ) AS lines
        GROUP BY child, resource_hash
    )
)
WHERE invalid = 0
GROUP BY child
ORDER BY abs(delta) DESC, node_id
