-- delta_resources: is a row under the node? For any table with the owner, account, region,
-- resource_key and physical_path columns (cost_delta_blocks, the pair tables); kind: node_kind.sql.
    -- A physical node below a region is placed by the row's physical path.
    multiIf(
        kind = 'root', 1,
        kind = 'customer', marqo_customer = substring(node, 10),
        kind = 'cluster', marqo_cluster != ''
            AND concat('cluster:', marqo_customer, '/', marqo_cluster) = node,
        kind = 'role', marqo_role != ''
            AND concat('role:', marqo_customer, '/', marqo_cluster, '/', marqo_role) = node,
        kind = 'leaf', resource_key = node,
        kind = 'account', account_id = substring(node, 9),
        -- 'region:<account>/<region>': no lookup of the node's ancestors (a scalar subquery, read
        -- for every kind of node: ~40 ms of closure rows for a VPC).
        kind = 'region', account_id = splitByChar('/', substring(node, 8))[1]
            AND region = splitByChar('/', substring(node, 8))[2],
        resource_key = node OR has(physical_path, node)
    ) AS under_node,
