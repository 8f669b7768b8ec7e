-- delta_nodes: why did the cost under a node change between two windows? One row per child of
-- the node, each with its totals and the exact decomposition of its delta (docs/attribution.md).
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
    ) AS invalid,
    multiIf(
        node = '', 'root',
        h = 'logical' AND startsWith(node, 'customer:'), 'customer',
        h = 'logical' AND startsWith(node, 'cluster:'), 'cluster',
        h = 'logical' AND startsWith(node, 'role:'), 'role',
        h = 'logical' OR startsWith(node, 'unresourced:'), 'leaf',
        startsWith(node, 'account:'), 'account',
        startsWith(node, 'region:'), 'region',
        'below_region'
    ) AS kind,
    -- The accounts and regions of a physical node at or below a region (its region ancestors),
    -- so that only those regions' cost rows are looked at.
    if(kind = 'region', [node], (
        SELECT groupUniqArray(ancestor_id)
        FROM resource_ancestry
        WHERE kind = 'below_region' AND hierarchy = 'physical'
          AND ((snapshot_date >= a0 AND snapshot_date < a1) OR (snapshot_date >= b0 AND snapshot_date < b1))
          AND startsWith(ancestor_id, 'region:') AND descendant_id = node
    )) AS region_nodes,
    arrayMap(x -> splitByChar('/', substring(x, 8))[1], region_nodes) AS node_accounts,
    arrayMap(x -> splitByChar('/', substring(x, 8))[2], region_nodes) AS node_regions,
    -- Physical region and below: under which child of the node each resource was, per day.
    mapping AS (
        SELECT snapshot_date AS day, descendant_id AS rid, ancestor_id AS child, ancestor_type AS child_type
        FROM resource_ancestry
        WHERE kind IN ('region', 'below_region')
          AND hierarchy = 'physical'
          AND ((snapshot_date >= a0 AND snapshot_date < a1) OR (snapshot_date >= b0 AND snapshot_date < b1))
          AND ((snapshot_date, ancestor_id) IN (
                  SELECT snapshot_date, descendant_id
                  FROM resource_ancestry
                  WHERE hierarchy = 'physical' AND ancestor_id = node AND depth = 1
                    AND ((snapshot_date >= a0 AND snapshot_date < a1) OR (snapshot_date >= b0 AND snapshot_date < b1)))
               OR (ancestor_id = node AND depth = 0))
    ),
    -- The cost rows of both windows that are under the node, with the child of the node each
    -- falls under that day.
    placed AS (
        -- Logical hierarchy, the physical root and accounts, and leaves: the row's own columns.
        SELECT *
        FROM
        (
            SELECT
                charge_date,
                resource_id,
                if(resource_id != '', resource_id,
                   concat('unresourced:', account_id, '/', region, '/', service_name)) AS rkey,
                usage_type,
                effective_cost AS cost,
                consumed_quantity AS qty,
                multiIf(
                    kind = 'root' AND h = 'logical', concat('customer:', marqo_customer),
                    kind = 'customer', multiIf(
                        marqo_cluster != '', concat('cluster:', marqo_customer, '/', marqo_cluster),
                        marqo_role != '', concat('role:', marqo_customer, '//', marqo_role),
                        rkey),
                    kind = 'cluster', if(marqo_role != '',
                        concat('role:', marqo_customer, '/', marqo_cluster, '/', marqo_role), rkey),
                    kind = 'root', concat('account:', account_id),
                    kind = 'account', concat('region:', account_id, '/', region),
                    rkey) AS child,
                multiIf(
                    kind = 'root' AND h = 'logical', 'customer',
                    kind = 'customer' AND marqo_cluster != '', 'cluster',
                    kind IN ('customer', 'cluster') AND marqo_role != '', 'role',
                    kind = 'root', 'account',
                    kind = 'account', 'region',
                    resource_id = '', 'unresourced',
                    resource_type) AS child_type
            FROM cost_attributed_daily
            WHERE kind NOT IN ('region', 'below_region')
              AND ((charge_date >= a0 AND charge_date < a1) OR (charge_date >= b0 AND charge_date < b1))
              AND multiIf(
                    kind = 'root', 1,
                    kind = 'customer', marqo_customer = substring(node, 10),
                    kind = 'cluster', marqo_cluster != ''
                        AND concat('cluster:', marqo_customer, '/', marqo_cluster) = node,
                    kind = 'role', marqo_role != ''
                        AND concat('role:', marqo_customer, '/', marqo_cluster, '/', marqo_role) = node,
                    kind = 'leaf', if(resource_id != '', resource_id,
                        concat('unresourced:', account_id, '/', region, '/', service_name)) = node,
                    account_id = substring(node, 9))
        )
        UNION ALL
        -- Physical region and below: the day's closure table places each resource.
        SELECT
            c.charge_date,
            c.resource_id,
            c.rkey,
            c.usage_type,
            c.effective_cost,
            c.consumed_quantity,
            if(m.child != '', m.child, c.rkey),
            if(m.child != '', m.child_type, if(c.resource_id = '', 'unresourced', c.resource_type))
        FROM
        (
            SELECT *,
                if(resource_id != '', resource_id,
                   concat('unresourced:', account_id, '/', region, '/', service_name)) AS rkey
            FROM cost_attributed_daily
            WHERE kind IN ('region', 'below_region')
              AND ((charge_date >= a0 AND charge_date < a1) OR (charge_date >= b0 AND charge_date < b1))
              AND has(node_accounts, account_id) AND has(node_regions, region)
        ) AS c
        LEFT ANY JOIN mapping AS m ON c.charge_date = m.day AND c.resource_id = m.rid
        -- Below a region only what the closure table puts under the node; a region also has
        -- cost of its own (unresourced, resources without a snapshot).
        WHERE kind = 'region' OR m.child != ''
    ),
    -- One row per child x resource x usage type, with the rate effect of the usage type in
    -- integer micro-dollars: (C_B*Q_A - C_A*Q_B)*(Q_A + Q_B) / (2*Q_A*Q_B), rounded half away
    -- from zero, exactly as attribution/delta.py computes it.
    lines AS (
        SELECT
            child, rkey, usage_type,
            any(child_type) AS child_type,
            sumIf(cost, in_a) AS c_a,
            sumIf(cost, in_b) AS c_b,
            sumIf(qty, in_a) AS q_a,
            sumIf(qty, in_b) AS q_b,
            max(in_a) AS line_a,
            max(in_b) AS line_b
        FROM
        (
            SELECT *,
                charge_date >= a0 AND charge_date < a1 AS in_a,
                charge_date >= b0 AND charge_date < b1 AS in_b
            FROM placed
        )
        GROUP BY child, rkey, usage_type
    ),
    resources AS (
        SELECT
            child, rkey,
            any(child_type) AS child_type,
            sum(c_a) AS ca,
            sum(c_b) AS cb,
            max(line_a) AS in_a,
            max(line_b) AS in_b,
            sum(if(both_known, intDiv(2 * abs(n) + d, 2 * d) * if(n < 0, -1, 1), toInt256(0))) AS rate_micro,
            max(line_a AND line_b AND NOT both_known) AS flagged
        FROM
        (
            SELECT *,
                line_a AND line_b AND q_a > 0 AND q_b > 0 AS both_known,
                (toInt256(c_b * 1000000) * toInt256(q_a * 1000000)
                    - toInt256(c_a * 1000000) * toInt256(q_b * 1000000))
                    * (toInt256(q_a * 1000000) + toInt256(q_b * 1000000)) AS n,
                if(both_known, 2 * toInt256(q_a * 1000000) * toInt256(q_b * 1000000), toInt256(1)) AS d
            FROM lines
        )
        GROUP BY child, rkey
    ),
    -- Whether the resources under the node in one window only had cost anywhere in the other
    -- (their owner changed); at the root every resource is under the node, so nothing to look up.
    presence AS (
        SELECT
            resource_id AS rkey,
            max(charge_date >= a0 AND charge_date < a1) AS anywhere_a,
            max(charge_date >= b0 AND charge_date < b1) AS anywhere_b
        FROM cost_attributed_daily
        WHERE kind != 'root'
          AND ((charge_date >= a0 AND charge_date < a1) OR (charge_date >= b0 AND charge_date < b1))
          AND resource_id IN (
                -- Below a region: every resource the closure table puts under the node (a cheap
                -- superset); elsewhere: those under the node in one window only.
                SELECT rid
                FROM mapping
                WHERE kind = 'below_region'
                UNION ALL
                SELECT resource_id
                FROM placed
                WHERE kind NOT IN ('root', 'below_region') AND resource_id != ''
                GROUP BY resource_id
                HAVING NOT (max(charge_date >= a0 AND charge_date < a1)
                            AND max(charge_date >= b0 AND charge_date < b1)))
        GROUP BY resource_id
    ),
    -- A resource only in B under a child was transferred in if it had cost in A anywhere: under
    -- another child of the node (node_a) or outside it (presence); created otherwise. And vice
    -- versa. Components as codes: 1 created, 2 removed, 3 continuing, 4 transferred in, 5 out.
    classified AS (
        SELECT
            r.child AS child,
            r.child_type AS child_type,
            r.ca AS ca,
            r.cb AS cb,
            r.rate_micro AS rate_micro,
            r.flagged AS flagged,
            multiIf(
                r.in_a AND r.in_b, 3,
                r.in_b AND (r.node_a OR p.anywhere_a), 4,
                r.in_b, 1,
                r.node_b OR p.anywhere_b, 5,
                2
            ) AS component
        FROM
        (
            SELECT *,
                max(in_a) OVER (PARTITION BY rkey) AS node_a,
                max(in_b) OVER (PARTITION BY rkey) AS node_b
            FROM resources
        ) AS r
        LEFT ANY JOIN presence AS p ON r.rkey = p.rkey
    )
SELECT
    child AS node_id,
    any(child_type) AS node_type,
    sum(ca) AS total_a,
    sum(cb) AS total_b,
    total_b - total_a AS delta,
    sumIf(cb, component = 1) AS created,
    -sumIf(ca, component = 2) AS removed,
    sumIf(cb - ca, component = 3) - rate_effect AS usage_effect,
    toDecimal128(sumIf(rate_micro, component = 3), 6) / 1000000 AS rate_effect,
    sumIf(cb, component = 4) AS transferred_in,
    -sumIf(ca, component = 5) AS transferred_out,
    count() AS resource_count,
    toUInt64(sum(flagged)) AS flagged_resources
FROM classified
WHERE invalid = 0
GROUP BY child
ORDER BY abs(delta) DESC, node_id
SETTINGS join_use_nulls = 0
