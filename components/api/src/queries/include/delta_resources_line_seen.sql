-- delta_resources: a line's key, where it was last (type, account, region, owner: the place of its
-- last day with cost, ties broken by the place so that the answer is deterministic) and that day,
-- from rows with resource_key, resource_type, the place columns and last_day. Select items of a
-- GROUP BY resource_hash, usage_hash, under.
                    any(resource_key) AS line_key,
                    -- Blocks type cost without a resource 'unresourced' (delta_nodes' node_type);
                    -- its cost rows, which delta_resources shows, have no type.
                    argMax(tuple(if(startsWith(resource_key, 'unresourced:'), '', resource_type),
                                 account_id, region, marqo_customer, marqo_cluster, marqo_role),
                           (last_day, account_id, region, marqo_customer, marqo_cluster, marqo_role,
                            resource_type)) AS line_seen,
                    max(last_day) AS last,