-- A pair row's child below the node (the next level down, or the row's resource) and its sums
-- scaled for normalise: the SELECT list of the pair CTE below the root (kind, rest: delta_node_kind).
            multiIf(
                kind = 1 AND marqo_cluster != '', concat('cluster:', rest, '/', marqo_cluster),
                kind = 1 AND marqo_role != '', concat('role:', rest, '//', marqo_role),
                kind = 2 AND marqo_role != '', concat('role:', rest, '/', marqo_role),
                kind = 5, concat('region:', rest, '/', region),
                kind = 6 AND notEmpty(physical_path), physical_path[1],
                kind = 7 AND resource_key != node AND indexOf(physical_path, node) < length(physical_path),
                    physical_path[indexOf(physical_path, node) + 1],
                resource_key) AS child,
            multiIf(
                kind = 1 AND marqo_cluster != '', 'cluster',
                kind <= 2 AND marqo_role != '', 'role',
                kind = 5, 'region',
                kind = 6 AND notEmpty(physical_path), physical_types[1],
                kind = 7 AND resource_key != node AND indexOf(physical_path, node) < length(physical_path),
                    physical_types[indexOf(physical_path, node) + 1],
                resource_type) AS child_type,
            resource_hash, usage_hash, split_resource, cost_a * scale_a AS sc_a, cost_b * scale_b AS sc_b,
            quantity_a * scale_a AS sq_a, quantity_b * scale_b AS sq_b,
            rows_a > 0 AS line_a, rows_b > 0 AS line_b, rows_a + rows_b AS line_rows,
            resource_rows, resource_in_a, resource_in_b
