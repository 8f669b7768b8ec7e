-- The multiIf arms that put a row with owner and account columns (cost_attributed_daily,
-- cost_by_owner_daily) under the node at the root, a customer, cluster, role or account; `kind`
-- from node_kind.sql. Shared by node_cost_trend, delta_charges and
-- delta_resources_under_node.sql.
            kind = 'root', 1,
            kind = 'customer', marqo_customer = substring(node, 10),
            kind = 'cluster', marqo_cluster != ''
                AND concat('cluster:', marqo_customer, '/', marqo_cluster) = node,
            kind = 'role', marqo_role != ''
                AND concat('role:', marqo_customer, '/', marqo_cluster, '/', marqo_role) = node,
            kind = 'account', account_id = substring(node, 9),
