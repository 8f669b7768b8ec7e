-- delta_nodes at or below a physical region ('region:<account>/<region>', a VPC, subnet or
-- resource): one of the four files of the named query delta_nodes (docs/attribution.md); the API
-- and attribution.queries pick the file from hierarchy and node_id (root / owner / account /
-- closure).
--
-- Parameters
--   base_start    Date    first day of the base window A (inclusive)
--   base_end      Date    end of window A (exclusive)
--   compare_start Date    first day of the compare window B (inclusive)
--   compare_end   Date    end of window B (exclusive)
--   hierarchy     String  'logical' (customer > cluster > role > resource) or
--                         'physical' (account > region > VPC > subnet > resource > attached)
--   node_id       String  the node whose children are returned; '' is the root (customers or
--                         accounts). A node that has cost of its own (a resource with attached
--                         resources, a logical leaf) also returns itself as one row.
--   normalise     String  'none': raw totals (the default); 'daily': each window's cost and
--                         quantity per day of the window (docs/attribution.md)
--   basis         String  'effective' (the default): effective cost, commitments a component;
--                         'billed': billed cost, no commitment component (docs/attribution.md)
-- Windows may differ in length (calendar months); windows that share a day fail with "base and
-- compare windows must not overlap" (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO).
--
-- Columns (money Decimal, of the basis; every row: created + removed + usage_effect + rate_effect
-- + transferred_in + transferred_out + commitment + credit + adjustment + tax + purchase = delta
-- = total_b - total_a, exactly)
--   node_id, node_type, total_a, total_b, delta, created, removed, usage_effect, rate_effect,
--   transferred_in, transferred_out (the usage lines at their billed cost), commitment, credit,
--   adjustment, tax, purchase (the change of the charge lines of each category: delta_charge.sql),
--   resource_count (charge lines are not resources), flagged_resources (continuing resources
--   whose quantity is unknown, so their change is all usage effect).
-- Sorted by |delta| descending.
--
-- Reads cost_delta_blocks (migrations 011, 019): attributed cost summed per aligned block of 1-16
-- days x placement x resource x usage type, integer keys, micro-unit money. A window is tiled by its
-- maximal blocks (those inside it whose parent block is not), which cover each day once. The
-- placement includes the resource's physical path below its region on the block's days, so a node
-- is a filter on the row and its child an expression of it, as in the pair files
-- (delta_nodes_week): the tiles are summed into pair rows of the node's resources, everywhere they
-- had cost (whether a resource was anywhere in A / B, and all of its rows), then the rows under the
-- node are decomposed like a pair's.
WITH
    {hierarchy:String} AS h,
    {node_id:String} AS node,
    {base_start:Date} AS a0,
    {base_end:Date} AS a1,
    {compare_start:Date} AS b0,
    {compare_end:Date} AS b1,
    (
        -- @include delta_checks.sql
        -- @include delta_basis_check.sql
             + throwIf(h != 'physical' OR node = '' OR startsWith(node, 'account:')
                           OR startsWith(node, 'unresourced:'),
                       'delta_nodes_closure answers a physical node at or below a region only')
    ) AS invalid,
    -- @include delta_normalise.sql
    -- @include delta_charge.sql
    -- @include delta_node_kind.sql
    -- @include delta_rate.sql
    -- @include delta_tiles.sql
    -- The node's resources: a region's are those with a row in it in a tile; below a region, the
    -- node's descendants in the closure table on the windows' days (whose rows carry the node in
    -- their path), and the node itself (a resource without a snapshot has no closure rows); a
    -- charge line is its resource's (resource_of). The
    -- kind is spelled with the bound parameter, which folds to a constant: through `kind` both
    -- reads ran for every node.
    node_resources AS (
        SELECT resource_of(resource_hash, usage_hash)
        FROM cost_delta_blocks
        WHERE startsWith({node_id:String}, 'region:') AND (block_start, level) IN tiles AND account_id = parts[1] AND region = parts[2]
        UNION ALL
        SELECT cityHash64(descendant_id)
        FROM resource_ancestry
        WHERE NOT startsWith({node_id:String}, 'region:') AND hierarchy = 'physical' AND ancestor_id = node
          AND ((snapshot_date >= a0 AND snapshot_date < a1) OR (snapshot_date >= b0 AND snapshot_date < b1))
        UNION ALL
        SELECT cityHash64(node) WHERE NOT startsWith({node_id:String}, 'region:')
    ),
    -- The node's resources as pair rows (placement x resource x usage type, both windows' sums),
    -- under the node or not, with what the pair tables precompute: the resource's rows in both
    -- windows, and whether it had cost anywhere in A / in B.
    pair AS (
        SELECT
            -- @include delta_pair_child.sql
        FROM
        (
            SELECT *,
                toUInt32(sum(rows_a + rows_b) OVER r) AS resource_rows,
                max(rows_a > 0) OVER r AS resource_in_a,
                max(rows_b > 0) OVER r AS resource_in_b,
                -- The pair tables' shortcut for a resource in one place only; comparing the rows
                -- under a child with resource_rows answers for every resource.
                1 AS split_resource
            FROM
            (
                SELECT account_id, region, marqo_customer, marqo_cluster, marqo_role, place_hash,
                    resource_hash, usage_hash,
                    any(physical_path) AS physical_path,
                    any(physical_types) AS physical_types,
                    any(resource_key) AS resource_key,
                    max(resource_type) AS resource_type,
                    sumIf(cost_micro, in_a) AS cost_a,
                    sumIf(quantity_micro, in_a) AS quantity_a,
                    toUInt32(sumIf(cost_rows, in_a)) AS rows_a,
                    sumIf(cost_micro, NOT in_a) AS cost_b,
                    sumIf(quantity_micro, NOT in_a) AS quantity_b,
                    toUInt32(sumIf(cost_rows, NOT in_a)) AS rows_b
                FROM
                (
                    -- Every block read is a tile of A or of B, and the windows do not overlap: its
                    -- first day says which.
                    SELECT *, block_start >= a0 AND block_start < a1 AS in_a
                    FROM cost_delta_blocks
                    WHERE (block_start, level) IN tiles AND resource_of(resource_hash, usage_hash) IN node_resources
                )
                GROUP BY account_id, region, marqo_customer, marqo_cluster, marqo_role, place_hash,
                         resource_hash, usage_hash
            )
            WINDOW r AS (PARTITION BY resource_hash)
        )
        WHERE 1
          -- @include delta_pair_node_filter.sql
    )
-- @include delta_pair_decomposition.sql
