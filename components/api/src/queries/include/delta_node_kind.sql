-- The node's kind, its id without the prefix (rest) and that split at '/' (parts).
    -- The kind of node: logical 1 customer, 2 cluster, 3 role, 4 resource (also a physical
    -- unresourced pseudo-resource); physical 5 account, 6 region, 7 VPC, subnet or resource
    -- (placed by the physical path).
    multiIf(h = 'physical' AND startsWith(node, 'unresourced:'), 4,
            h = 'physical' AND startsWith(node, 'account:'), 5,
            h = 'physical' AND startsWith(node, 'region:'), 6,
            h = 'physical', 7,
            startsWith(node, 'customer:'), 1,
            startsWith(node, 'cluster:'), 2,
            startsWith(node, 'role:'), 3,
            4) AS kind,
    substring(node, position(node, ':') + 1) AS rest,
    splitByChar('/', rest) AS parts,
