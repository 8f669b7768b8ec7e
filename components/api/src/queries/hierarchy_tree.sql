-- hierarchy_tree: the children of a node, with their cost over a window. The shape is the
-- hierarchy as of one day; the cost counts, for each day of the window, the resources that were
-- under each child that day. A child that had cost in the window but no longer exists on
-- `as_of` is listed too (present_as_of = 0), so the children's costs add up to the node's.
--
-- Parameters
--   start      Date    first day of the cost window (inclusive)
--   end        Date    end of the cost window (exclusive)
--   as_of      Date    the day whose hierarchy shape is shown
--   hierarchy  String  'logical' or 'physical'
--   node_id    String  the node whose children are listed; '' is the root
--
-- Columns: node_id, node_type, present_as_of (1 if the child exists on as_of), resources
-- (resources under it on as_of, itself included if it is one), descendants (nodes under it on
-- as_of), billed_cost, effective_cost (over the window). Sorted by effective_cost descending.
WITH
    {hierarchy:String} AS h,
    {node_id:String} AS node,
    {as_of:Date} AS day,
    {start:Date} AS d0,
    {end:Date} AS d1,
    (
        SELECT throwIf(h NOT IN ('logical', 'physical'), 'hierarchy must be logical or physical')
             + throwIf(d1 <= d0, 'end must be after start (end is exclusive)')
    ) AS invalid,
    (d) -> d >= d0 AND d < d1 AS in_span,
    -- @include node_regions.sql
    shape AS (
        SELECT descendant_id AS child, any(descendant_type) AS child_type
        FROM resource_ancestry
        WHERE snapshot_date = day AND hierarchy = h
          AND if(node = '',
                 depth = 0 AND ancestor_type IN ('customer', 'account'),
                 ancestor_id = node AND depth = 1)
        GROUP BY descendant_id
    ),
    counts AS (
        SELECT
            ancestor_id AS child,
            uniqExactIf(descendant_id, descendant_type NOT IN
                ('customer', 'cluster', 'role', 'account', 'region', 'ec2:vpc', 'ec2:subnet')) AS resources,
            uniqExactIf(descendant_id, depth > 0) AS descendants
        FROM resource_ancestry
        WHERE snapshot_date = day AND hierarchy = h AND ancestor_id IN (SELECT child FROM shape)
        GROUP BY ancestor_id
    ),
    -- Which child of the node each resource was under, per day of the cost window.
    mapping AS (
        SELECT snapshot_date AS mday, descendant_id AS rid, ancestor_id AS mchild
        FROM resource_ancestry
        WHERE kind IN ('region', 'below_region') AND hierarchy = 'physical'
          AND snapshot_date >= d0 AND snapshot_date < d1
          AND ((snapshot_date, ancestor_id) IN (
                  SELECT snapshot_date, descendant_id
                  FROM resource_ancestry
                  WHERE hierarchy = 'physical' AND ancestor_id = node AND depth = 1
                    AND snapshot_date >= d0 AND snapshot_date < d1)
               OR (ancestor_id = node AND depth = 0))
    ),
    costs AS (
        SELECT child, sum(billed) AS billed_cost, sum(effective) AS effective_cost
        FROM
        (
            -- The root's children are rollup columns.
            SELECT if(h = 'logical', concat('customer:', marqo_customer), concat('account:', account_id)) AS child,
                   billed_cost AS billed, effective_cost AS effective
            FROM cost_by_owner_daily
            WHERE kind = 'root' AND charge_date >= d0 AND charge_date < d1
            UNION ALL
            -- Owner levels and accounts: the attributed rows' own columns.
            SELECT
                multiIf(
                    kind = 'customer', multiIf(
                        marqo_cluster != '', concat('cluster:', marqo_customer, '/', marqo_cluster),
                        marqo_role != '', concat('role:', marqo_customer, '//', marqo_role),
                        rkey),
                    kind = 'cluster', if(marqo_role != '',
                        concat('role:', marqo_customer, '/', marqo_cluster, '/', marqo_role), rkey),
                    kind = 'account', concat('region:', account_id, '/', region),
                    rkey),
                billed_cost, effective_cost
            FROM
            (
                SELECT *, if(resource_id != '', resource_id,
                             concat('unresourced:', account_id, '/', region, '/', service_name)) AS rkey
                FROM cost_attributed_daily
                WHERE kind IN ('customer', 'cluster', 'role', 'leaf', 'account')
                  AND charge_date >= d0 AND charge_date < d1
            )
            WHERE multiIf(
                    kind = 'customer', marqo_customer = substring(node, 10),
                    kind = 'cluster', marqo_cluster != ''
                        AND concat('cluster:', marqo_customer, '/', marqo_cluster) = node,
                    kind = 'role', marqo_role != ''
                        AND concat('role:', marqo_customer, '/', marqo_cluster, '/', marqo_role) = node,
                    kind = 'leaf', rkey = node,
                    account_id = substring(node, 9))
            UNION ALL
            -- Physical region and below: the day's closure table places each resource.
            SELECT if(m.mchild != '', m.mchild, c.rkey), c.billed_cost, c.effective_cost
            FROM
            (
                SELECT *, if(resource_id != '', resource_id,
                             concat('unresourced:', account_id, '/', region, '/', service_name)) AS rkey
                FROM cost_attributed_daily
                WHERE kind IN ('region', 'below_region')
                  AND charge_date >= d0 AND charge_date < d1
                  AND has(node_accounts, account_id) AND has(node_regions, region)
            ) AS c
            LEFT ANY JOIN mapping AS m ON c.charge_date = m.mday AND c.resource_id = m.rid
            WHERE kind = 'region' OR m.mchild != ''
        )
        GROUP BY child
    )
SELECT
    if(s.child != '', s.child, c.child) AS node_id,
    multiIf(s.child != '', s.child_type,
            startsWith(node_id, 'customer:'), 'customer',
            startsWith(node_id, 'cluster:'), 'cluster',
            startsWith(node_id, 'role:'), 'role',
            startsWith(node_id, 'account:'), 'account',
            startsWith(node_id, 'region:'), 'region',
            startsWith(node_id, 'unresourced:'), 'unresourced',
            'resource') AS node_type,
    toUInt8(s.child != '') AS present_as_of,
    n.resources AS resources,
    n.descendants AS descendants,
    c.billed_cost AS billed_cost,
    c.effective_cost AS effective_cost
FROM shape AS s
FULL OUTER JOIN costs AS c ON s.child = c.child
LEFT JOIN counts AS n ON n.child = if(s.child != '', s.child, c.child)
WHERE invalid = 0
ORDER BY effective_cost DESC, node_id
SETTINGS join_use_nulls = 0
