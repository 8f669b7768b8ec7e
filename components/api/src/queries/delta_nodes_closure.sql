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
-- Windows must have the same number of days; otherwise the query fails with
-- "base and compare windows must have the same number of days" (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO).
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
        SELECT throwIf(h NOT IN ('logical', 'physical'), 'hierarchy must be logical or physical')
             + throwIf(a1 <= a0 OR b1 <= b0, 'each window must end after it starts (end is exclusive)')
             + throwIf(dateDiff('day', a0, a1) != dateDiff('day', b0, b1),
                       'base and compare windows must have the same number of days')
             + throwIf(h != 'physical' OR node = '' OR startsWith(node, 'account:')
                           OR startsWith(node, 'unresourced:'),
                       'delta_nodes_closure answers a physical node at or below a region only')
    ) AS invalid,
    startsWith(node, 'region:') AS is_region,
    (s, k, w0, w1) -> s >= toUInt16(w0) AND s + bitShiftLeft(1, k) <= toUInt16(w1)
        AND (k = 4 OR s - s % bitShiftLeft(2, k) < toUInt16(w0)
             OR s - s % bitShiftLeft(2, k) + bitShiftLeft(2, k) > toUInt16(w1)) AS tile,
    -- The region ancestors of the node: only their one-day rows can be under it.
    if(is_region, [node], (
        SELECT groupUniqArray(ancestor_id)
        FROM resource_ancestry
        WHERE hierarchy = 'physical'
          AND ((snapshot_date >= a0 AND snapshot_date < a1) OR (snapshot_date >= b0 AND snapshot_date < b1))
          AND startsWith(ancestor_id, 'region:') AND descendant_id = node
    )) AS region_nodes,
    -- One-day rows in the node's regions: a superset of its rows (the closure table decides).
    arrayMap(x -> splitByChar('/', substring(x, 8))[1], region_nodes) AS region_accounts,
    arrayMap(x -> splitByChar('/', substring(x, 8))[2], region_nodes) AS region_names,
    level = 0 AND account_id IN region_accounts AND region IN region_names AS in_node,
    tiles AS (
        SELECT toDate(s), k
        FROM (SELECT arrayJoin(range(toUInt16(least(a0, b0)), toUInt16(greatest(a1, b1)))) AS s)
        ARRAY JOIN range(5) AS k
        WHERE s % bitShiftLeft(1, k) = 0 AND (tile(s, k, a0, a1) OR tile(s, k, b0, b1))
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
    ),
    -- One row per line (child x resource x usage type) with its sums per window in micro-units;
    -- line_a / line_b: the line has cost rows in that window. Rows of a resource outside the node
    -- (under = 0) make one line per resource: where else it had cost ("transferred").
    lines AS (
        -- Every tile of both windows of the node's resources, as rows outside the node: whether
        -- a row is under the node is only known per day, below.
        SELECT
            0 AS under, '' AS child, '' AS child_type, resource_hash,
            sum(cost_micro * in_a) AS c_a,
            sum(cost_micro * in_b) AS c_b,
            toInt128(0) AS q_a,
            toInt128(0) AS q_b,
            max(in_a) AS line_a,
            max(in_b) AS line_b
        FROM
        (
            SELECT
                resource_hash, cost_micro,
                tile(toUInt16(block_start), level, a0, a1) AS in_a,
                tile(toUInt16(block_start), level, b0, b1) AS in_b
            FROM cost_delta_blocks
            WHERE (block_start, level) IN tiles
              AND resource_hash IN (
                    SELECT resource_hash
                    FROM cost_delta_blocks
                    WHERE ((block_start >= a0 AND block_start < a1) OR (block_start >= b0 AND block_start < b1))
                      AND in_node)
        )
        GROUP BY resource_hash
        UNION ALL
        -- The rows under the node: one-day blocks placed by that day's closure rows. A region also
        -- has cost of its own (unresourced, resources without a snapshot).
        SELECT
            1, child, any(child_type), resource_hash,
            sum(cost_micro * in_a), sum(cost_micro * in_b),
            sum(quantity_micro * in_a), sum(quantity_micro * in_b),
            max(in_a), max(in_b)
        FROM
        (
            SELECT
                b.resource_hash AS resource_hash,
                b.usage_hash AS usage_hash,
                b.cost_micro AS cost_micro,
                b.quantity_micro AS quantity_micro,
                b.block_start >= a0 AND b.block_start < a1 AS in_a,
                b.block_start >= b0 AND b.block_start < b1 AS in_b,
                if(m.child != '', m.child, b.resource_key) AS child,
                if(m.child != '', m.child_type, b.resource_type) AS child_type
            FROM cost_delta_blocks AS b
            LEFT ANY JOIN mapping AS m ON b.block_start = m.day AND b.resource_key = m.rid
            WHERE ((b.block_start >= a0 AND b.block_start < a1) OR (b.block_start >= b0 AND b.block_start < b1))
              AND in_node
              AND (is_region OR m.child != '')
        )
        GROUP BY child, resource_hash, usage_hash
    ),
    (toInt256(c_b) * q_a - toInt256(c_a) * q_b) * (toInt256(q_a) + q_b) AS n,
    2 * toInt256(q_a) * q_b AS d,
    resources AS (
        SELECT *,
            max(in_a) OVER (PARTITION BY resource_hash) AS anywhere_a,
            max(in_b) OVER (PARTITION BY resource_hash) AS anywhere_b
        FROM
        (
            SELECT
                under, child, resource_hash,
                any(child_type) AS child_type,
                sum(c_a) AS ca,
                sum(c_b) AS cb,
                max(line_a) AS in_a,
                max(line_b) AS in_b,
                sum(if(changed, intDiv(2 * abs(n) + d, 2 * d) * if(n < 0, -1, 1), toInt256(0))) AS rate_micro,
                max(line_a AND line_b AND NOT known) AS flagged
            FROM
            (
                SELECT *,
                    line_a AND line_b AND q_a > 0 AND q_b > 0 AS known,
                    known AND (c_a != c_b OR q_a != q_b) AND (q_a > 9223372036854775807
                        OR q_b > 9223372036854775807 OR toInt128(c_b) * q_a != toInt128(c_a) * q_b) AS changed
                FROM lines
            )
            GROUP BY under, child, resource_hash
        )
    )
-- Components: 3 continuing; only in B under the child: 4 transferred in when it had cost in A
-- anywhere, else 1 created; only in A: 5 transferred out / 2 removed likewise.
SELECT
    child AS node_id,
    any(child_type) AS node_type,
    toDecimal128(sum(ca), 6) / 1000000 AS total_a,
    toDecimal128(sum(cb), 6) / 1000000 AS total_b,
    total_b - total_a AS delta,
    toDecimal128(sumIf(cb, component = 1), 6) / 1000000 AS created,
    -toDecimal128(sumIf(ca, component = 2), 6) / 1000000 AS removed,
    toDecimal128(sumIf(toInt128(cb) - ca, component = 3), 6) / 1000000 - rate_effect AS usage_effect,
    toDecimal128(sumIf(rate_micro, component = 3), 6) / 1000000 AS rate_effect,
    toDecimal128(sumIf(cb, component = 4), 6) / 1000000 AS transferred_in,
    -toDecimal128(sumIf(ca, component = 5), 6) / 1000000 AS transferred_out,
    count() AS resource_count,
    toUInt64(sum(flagged)) AS flagged_resources
FROM
(
    SELECT *,
        multiIf(in_a AND in_b, 3, in_b AND anywhere_a, 4, in_b, 1, anywhere_b, 5, 2) AS component
    FROM resources
    WHERE under AND invalid = 0
)
GROUP BY child
ORDER BY abs(delta) DESC, node_id
SETTINGS join_use_nulls = 0
