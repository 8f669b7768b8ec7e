-- The kind of node by name ('root', 'customer', 'cluster', 'role', 'leaf', 'account', 'region',
-- 'below_region'), from h and node. Shared by delta_resources and, through node_regions.sql,
-- hierarchy_tree and node_cost_trend.
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