-- delta_resources: is a row under the node? For any table with the owner, account, region,
-- resource_key and physical_path columns (cost_delta_blocks, the pair tables); kind: node_kind.sql.
    -- A physical node below a region is placed by the row's physical path.
    multiIf(
        -- @include node_owner_rows.sql
        kind = 'leaf', resource_key = node,
        -- 'region:<account>/<region>': no lookup of the node's ancestors (a scalar subquery, read
        -- for every kind of node: ~40 ms of closure rows for a VPC).
        kind = 'region', account_id = splitByChar('/', substring(node, 8))[1]
            AND region = splitByChar('/', substring(node, 8))[2],
        resource_key = node OR has(physical_path, node)
    ) AS under_node,
