-- delta_nodes below the root of the logical hierarchy (a customer, cluster, role or resource), or
-- a physical pseudo-resource 'unresourced:...': one of the four files of the named query
-- delta_nodes (docs/attribution.md); the API and attribution.queries pick the file from hierarchy
-- and node_id (root / owner / account / closure).
--
-- Parameters
--   base_start    Date    first day of the base window A (inclusive)
--   base_end      Date    end of window A (exclusive)
--   compare_start Date    first day of the compare window B (inclusive)
--   compare_end   Date    end of window B (exclusive)
--   hierarchy     String  'logical' (customer > cluster > role > resource) or
--                         'physical' (account > region > VPC > subnet > resource > attached)
--   node_id       String  the node whose children are returned; '' is the root (customers or
--                         accounts). A node that has cost of its own (a resource with attached
--                         resources, a logical leaf) also returns itself as one row.
--   normalise     String  'none': raw totals (the default); 'daily': each window's cost and
--                         quantity per day of the window (docs/attribution.md)
--   basis         String  'effective' (the default): effective cost, commitments a component;
--                         'billed': billed cost, no commitment component (docs/attribution.md)
-- Windows may differ in length (calendar months); windows that share a day fail with "base and
-- compare windows must not overlap" (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO).
--
-- Columns (money Decimal, of the basis; every row: created + removed + usage_effect + rate_effect
-- + transferred_in + transferred_out + commitment + credit + adjustment + tax + purchase = delta
-- = total_b - total_a, exactly)
--   node_id, node_type, total_a, total_b, delta, created, removed, usage_effect, rate_effect,
--   transferred_in, transferred_out (the usage lines at their billed cost), commitment, credit,
--   adjustment, tax, purchase (the change of the charge lines of each category: delta_charge.sql),
--   resource_count (charge lines are not resources), flagged_resources (continuing resources
--   whose quantity is unknown, so their change is all usage effect).
-- Sorted by |delta| descending.
--
-- Reads cost_delta_blocks (migration 011): attributed cost summed per aligned block of 1-16 days
-- x placement x resource x usage type, integer keys, micro-unit money. A window is tiled by its
-- maximal blocks (those inside it whose parent block is not), which cover each day once.
--
-- Only the node's resources are read: their rows under the node (placed by the rows' own owner
-- columns) and, one line per resource, their rows elsewhere (where else they had cost:
-- "transferred").
WITH
    {hierarchy:String} AS h,
    {node_id:String} AS node,
    {base_start:Date} AS a0,
    {base_end:Date} AS a1,
    {compare_start:Date} AS b0,
    {compare_end:Date} AS b1,
    (
        -- @include delta_checks.sql
        -- @include delta_basis_check.sql
             + throwIf(node = '' OR (h = 'physical' AND NOT startsWith(node, 'unresourced:')),
                       'delta_nodes_owner answers a logical node or an unresourced pseudo-resource')
    ) AS invalid,
    -- @include delta_normalise.sql
    -- @include delta_charge.sql
    -- 1 customer, 2 cluster, 3 role, 4 a resource (the node itself is the only child).
    multiIf(h = 'physical', 4, startsWith(node, 'customer:'), 1, startsWith(node, 'cluster:'), 2,
            startsWith(node, 'role:'), 3, 4) AS kind,
    -- The customer of a cluster or role node is a prefix of what follows 'cluster:' / 'role:' that
    -- ends before a '/': between the first segment and the whole rest (lexicographically), a range
    -- the ordering key can use. The exact test is in_node.
    substring(node, position(node, ':') + 1) AS rest,
    -- @include delta_tiles.sql
    -- Is a block row under the node? Each term is constant true except for the node's kind.
    (kind != 1 OR marqo_customer = rest)
        AND (kind != 2 OR (marqo_cluster != ''
                           AND concat('cluster:', marqo_customer, '/', marqo_cluster) = node))
        AND (kind != 3 OR (marqo_role != ''
                           AND concat('role:', marqo_customer, '/', marqo_cluster, '/', marqo_role) = node))
        AND (kind != 4 OR (resource_of(resource_hash, usage_hash) = cityHash64(node)
                           AND resource_key = node)) AS in_node
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
    SELECT under, child, child_type, ca, cb, rate_micro, flagged, line_charge,
        multiIf(line_charge > 0, 4 + line_charge % 8, in_a AND in_b AND count() OVER w = 1, 3,
                NOT max(in_a) OVER w, 1, NOT max(in_b) OVER w, 2, 4) AS component
    FROM
    (
        -- Per child x resource. Rate effect per line in integer micro-units:
        -- (C_B*Q_A - C_A*Q_B)*(Q_A + Q_B) / (2*Q_A*Q_B), rounded half away from zero, exactly as
        -- attribution/delta.py does; the Int256 division runs only for lines whose price changed.
        SELECT under, child, resource_hash,
            any(child_type) AS child_type,
            sum(c_a) AS ca,
            sum(c_b) AS cb,
            max(line_a) AS in_a,
            max(line_b) AS in_b,
            sum(if(changed, intDiv(2 * abs(n) + d, 2 * d) * if(n < 0, -1, 1), toInt256(0))) AS rate_micro,
            max(line_a AND line_b AND (q_a <= 0 OR q_b <= 0)) AS flagged,
            max(charge_of(usage)) AS line_charge
        FROM
        (
            -- One row per line (child x resource x usage type), sums per window in micro-units;
            -- the rows of a resource outside the node (under = 0) make one line per resource.
            SELECT under, child, resource_hash, usage,
                any(child_type) AS child_type,
                sum(cost_micro * in_a) * scale_a AS c_a,
                sum(cost_micro * in_b) * scale_b AS c_b,
                sum(quantity_micro * in_a) * scale_a AS q_a,
                sum(quantity_micro * in_b) * scale_b AS q_b,
                max(in_a) AS line_a,
                max(in_b) AS line_b,
                -- The price changed: C_B*Q_A != C_A*Q_B, exact in Int128 while quantities fit in
                -- Int64 (costs always do); the products only for lines whose sums differ.
                line_a AND line_b AND q_a > 0 AND q_b > 0 AND (c_a != c_b OR q_a != q_b)
                    AND (q_a > 9223372036854775807 OR q_b > 9223372036854775807
                         OR toInt128(c_b) * q_a != toInt128(c_a) * q_b) AS changed,
                (toInt256(c_b) * q_a - toInt256(c_a) * q_b) * (toInt256(q_a) + q_b) AS n,
                2 * toInt256(q_a) * q_b AS d
            FROM
            (
                SELECT
                    in_node AS under,
                    multiIf(
                        NOT under, '',
                        kind = 1 AND marqo_cluster != '', concat('cluster:', rest, '/', marqo_cluster),
                        kind = 1 AND marqo_role != '', concat('role:', rest, '//', marqo_role),
                        kind = 2 AND marqo_role != '', concat('role:', rest, '/', marqo_role),
                        resource_key) AS child,
                    multiIf(kind = 1 AND marqo_cluster != '', 'cluster',
                            kind <= 2 AND marqo_role != '', 'role', resource_type) AS child_type,
                    resource_hash,
                    if(under, usage_hash, 0) AS usage,
                    cost_micro, quantity_micro,
                    -- Every block read is a tile of A or of B, and the windows do not overlap: its first day
                    -- says which (the tile test per row cost ~10 % of the root's time).
                    block_start >= a0 AND block_start < a1 AS in_a,
                    NOT in_a AS in_b
                FROM cost_delta_blocks
                WHERE (block_start, level) IN tiles
                  -- The node's resources: those with rows under it on the windows' days (a block
                  -- starting in the span of the windows at any level covers all of them; extra
                  -- resources only add lines outside the node). A resource node is its own.
                  AND (resource_hash IN (
                          SELECT resource_hash
                          FROM cost_delta_blocks
                          WHERE block_start >= least(a0, b0) AND block_start < greatest(a1, b1)
                            AND kind != 4
                            AND marqo_customer >= splitByChar('/', rest)[1] AND marqo_customer <= rest
                            AND in_node)
                       OR (kind = 4 AND resource_of(resource_hash, usage_hash) = cityHash64(node)))
                  AND in_basis(charge_of(usage_hash))
            )
            GROUP BY under, child, resource_hash, usage
        )
        GROUP BY under, child, resource_hash
    )
    WINDOW w AS (PARTITION BY resource_hash)
)
WHERE under AND invalid = 0
GROUP BY child
ORDER BY abs(delta) DESC, node_id
