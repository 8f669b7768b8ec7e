-- delta_nodes at or below a physical region ('region:<account>/<region>', a VPC, subnet or
-- resource): one of the four files of the named query delta_nodes (docs/attribution.md); the API
-- and attribution.queries pick the file from hierarchy and node_id (root / owner / account /
-- closure).
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
-- Windows may differ in length (calendar months); windows that share a day fail with "base and
-- compare windows must not overlap" (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO).
--
-- Columns (money Decimal, effective cost; every row: created + removed + usage_effect +
-- rate_effect + transferred_in + transferred_out = delta = total_b - total_a, exactly)
--   node_id, node_type, total_a, total_b, delta, created, removed, usage_effect, rate_effect,
--   transferred_in, transferred_out, resource_count, flagged_resources (continuing resources
--   whose quantity is unknown, so their change is all usage effect).
-- Sorted by |delta| descending.
--
-- Reads cost_delta_blocks (migration 011): attributed cost summed per aligned block of 1-16 days
-- x placement x resource x usage type, integer keys, micro-unit money. A window is tiled by its
-- maximal blocks (those inside it whose parent block is not), which cover each day once.
--
-- Below a region the day's closure table places each resource, so one-day blocks are joined with
-- it. Only the node's resources are read: their rows under the node and, one line per resource,
-- their rows elsewhere (where else they had cost: "transferred").
WITH
    {hierarchy:String} AS h,
    {node_id:String} AS node,
    {base_start:Date} AS a0,
    {base_end:Date} AS a1,
    {compare_start:Date} AS b0,
    {compare_end:Date} AS b1,
    (
        -- @include delta_checks.sql
             + throwIf(h != 'physical' OR node = '' OR startsWith(node, 'account:')
                           OR startsWith(node, 'unresourced:'),
                       'delta_nodes_closure answers a physical node at or below a region only')
    ) AS invalid,
    -- @include delta_normalise.sql
    startsWith(node, 'region:') AS is_region,
    -- A region node 'region:<account>/<region>': its rows are the rows of that account and region.
    splitByChar('/', substring(node, 8)) AS place,
    -- @include delta_tiles.sql
    -- The node's resources: a region's are its rows (with or without closure rows: unresourced
    -- cost, resources without a snapshot); below a region, the node's descendants in the closure
    -- table on the windows' days, and the node itself (a resource without a snapshot on a day has
    -- no closure rows: that day it hangs directly under its region, still under itself).
    node_resources AS (
        SELECT resource_hash
        FROM cost_delta_blocks
        WHERE is_region AND (block_start, level) IN tiles AND account_id = place[1] AND region = place[2]
        UNION ALL
        SELECT cityHash64(descendant_id)
        FROM resource_ancestry
        WHERE NOT is_region AND hierarchy = 'physical' AND ancestor_id = node
          AND ((snapshot_date >= a0 AND snapshot_date < a1) OR (snapshot_date >= b0 AND snapshot_date < b1))
        UNION ALL
        SELECT cityHash64(node) WHERE NOT is_region
    ),
    -- Under which child of the node each resource was, per day.
    mapping AS (
        SELECT snapshot_date AS day, descendant_id AS rid, ancestor_id AS child, ancestor_type AS child_type
        FROM resource_ancestry
        WHERE hierarchy = 'physical'
          AND ((snapshot_date >= a0 AND snapshot_date < a1) OR (snapshot_date >= b0 AND snapshot_date < b1))
          AND ((snapshot_date, hierarchy, ancestor_id) IN (
                  SELECT snapshot_date, hierarchy, descendant_id
                  FROM resource_ancestry
                  WHERE hierarchy = 'physical' AND ancestor_id = node AND depth = 1
                    AND ((snapshot_date >= a0 AND snapshot_date < a1) OR (snapshot_date >= b0 AND snapshot_date < b1)))
               OR (ancestor_id = node AND depth = 0))
    )
-- Components: 3 continuing (in both windows, every row of the resource under the child); else
-- 1 created (no cost anywhere in A), 2 removed (none anywhere in B), or 4 a transfer (in: c_B,
-- out: -c_A): it had cost in both windows but not always under the child.
SELECT
    child AS node_id,
    any(child_type) AS node_type,
    -- @include delta_columns.sql
FROM
(
    -- The line outside the node (under = 0) holds every row of the resource: the resource moved
    -- when it is under two children or has more rows than those under the node.
    SELECT under, child, child_type, ca, cb, rate_micro, flagged,
        multiIf(in_a AND in_b AND countIf(under) OVER w = 1
                    AND sumIf(nrows, NOT under) OVER w = sumIf(nrows, under) OVER w, 3,
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
            sum(line_rows) AS nrows,
            sum(if(changed, intDiv(2 * abs(n) + d, 2 * d) * if(n < 0, -1, 1), toInt256(0))) AS rate_micro,
            max(line_a AND line_b AND (q_a <= 0 OR q_b <= 0)) AS flagged
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
                sum(cost_rows) AS line_rows,
                -- The price changed: C_B*Q_A != C_A*Q_B, exact in Int128 while quantities fit in
                -- Int64 (costs always do); the products only for lines whose sums differ.
                line_a AND line_b AND q_a > 0 AND q_b > 0 AND (c_a != c_b OR q_a != q_b)
                    AND (q_a > 9223372036854775807 OR q_b > 9223372036854775807
                         OR toInt128(c_b) * q_a != toInt128(c_a) * q_b) AS changed,
                (toInt256(c_b) * q_a - toInt256(c_a) * q_b) * (toInt256(q_a) + q_b) AS n,
                2 * toInt256(q_a) * q_b AS d
            FROM
            (
                -- Every tile of both windows of the node's resources, as rows outside the node
                -- (under = 0, one line per resource): where it had cost at all. Whether a row is
                -- under the node is only known per day, below.
                SELECT
                    0 AS under, '' AS child, '' AS child_type, resource_hash, toUInt64(0) AS usage,
                    cost_micro, toInt128(0) AS quantity_micro, cost_rows,
                    -- Every block read is a tile of A or of B, and the windows do not overlap: its first day
                    -- says which (the tile test per row cost ~10 % of the root's time).
                    block_start >= a0 AND block_start < a1 AS in_a,
                    NOT in_a AS in_b
                FROM cost_delta_blocks
                WHERE (block_start, level) IN tiles AND resource_hash IN node_resources
                UNION ALL
                -- The rows under the node: one-day blocks placed by that day's closure rows. A
                -- region also has cost of its own (unresourced, resources without a snapshot).
                SELECT
                    1, if(m.child != '', m.child, b.resource_key), if(m.child != '', m.child_type, b.resource_type),
                    b.resource_hash, b.usage_hash, b.cost_micro, b.quantity_micro, b.cost_rows,
                    b.block_start >= a0 AND b.block_start < a1,
                    b.block_start >= b0 AND b.block_start < b1
                FROM cost_delta_blocks AS b
                LEFT ANY JOIN mapping AS m ON b.block_start = m.day AND b.resource_key = m.rid
                WHERE b.level = 0
                  AND ((b.block_start >= a0 AND b.block_start < a1) OR (b.block_start >= b0 AND b.block_start < b1))
                  AND b.resource_hash IN node_resources
                  AND (NOT is_region OR (b.account_id = place[1] AND b.region = place[2]))
                  AND (is_region OR m.child != '' OR b.resource_key = node)
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
SETTINGS join_use_nulls = 0
