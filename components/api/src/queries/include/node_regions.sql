-- The kind of node, and for a physical node at or below a region the accounts and regions of its
-- region ancestors on the days `in_span` (a lambda of the including file) accepts. Shared by
-- hierarchy_tree and node_cost_trend.
    -- @include node_kind.sql
    -- The accounts and regions of a physical node at or below a region (its region ancestors),
    -- so that only those regions' cost rows are looked at.
    if(kind = 'region', [node], (
        SELECT groupUniqArray(ancestor_id)
        FROM resource_ancestry
        -- The kind spelled with the bound parameters themselves: those fold to a constant, so
        -- for any other kind ClickHouse reads nothing (through `kind` it scanned the windows'
        -- closure rows: ~40 ms at 100 000 resources).
        WHERE {hierarchy:String} = 'physical' AND {node_id:String} != ''
          AND NOT startsWith({node_id:String}, 'unresourced:')
          AND NOT startsWith({node_id:String}, 'account:')
          AND NOT startsWith({node_id:String}, 'region:')
          AND hierarchy = 'physical'
          AND in_span(snapshot_date)
          AND startsWith(ancestor_id, 'region:') AND descendant_id = node
    )) AS region_nodes,
    arrayMap(x -> splitByChar('/', substring(x, 8))[1], region_nodes) AS node_accounts,
    arrayMap(x -> splitByChar('/', substring(x, 8))[2], region_nodes) AS node_regions,
