-- Is a pair row under the node (kind, rest, parts: delta_node_kind.sql), and does it count on the
-- basis asked for (delta_charge.sql)?
          AND in_basis(charge_of(usage_hash))
          AND multiIf(
                kind = 1, marqo_customer = rest,
                kind = 2, marqo_cluster != '' AND concat('cluster:', marqo_customer, '/', marqo_cluster) = node,
                kind = 3, marqo_role != ''
                          AND concat('role:', marqo_customer, '/', marqo_cluster, '/', marqo_role) = node,
                kind = 4, resource_key = node,
                kind = 5, account_id = rest,
                kind = 6, account_id = parts[1] AND region = parts[2],
                resource_key = node OR has(physical_path, node))
