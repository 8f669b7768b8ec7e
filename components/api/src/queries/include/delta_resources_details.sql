-- delta_resources: the details of the resources page_hashes names (a lambda-free array of
-- resource hashes of the including file), from the blocks that tile the windows (tiles:
-- delta_tiles.sql; under_node: delta_resources_under_node.sql).
    -- The page's resources classified from all of their rows in the tiles, as
    -- attribution/delta.py classifies them from their cost rows: continuing (in both windows,
    -- every row under the node), else created (no cost anywhere in A), removed (none anywhere in
    -- B), or a transfer, labelled transferred_in when it was under the node in B only or its last
    -- day was under the node, else transferred_out. The totals, rate and flag come from its lines
    -- under the node, its owner from the last day under the node. At the root every row is under
    -- the node, and cost without a resource never moves: nothing to look up for them. One scalar
    -- subquery, for the same reason as ranked.
    (
        SELECT groupArray(tuple(resource_hash, component, total_a, total_b, rate_micro, flagged,
                                seen))
        FROM
        (
            SELECT
                -- @include delta_resources_classify.sql
            FROM
            (
                -- Per resource x usage type, under the node or not: the resource's lines.
                SELECT
                    resource_hash,
                    usage_hash,
                    under_node AS under,
                    -- @include delta_resources_line_seen.sql
                    sumIf(cost_micro, in_a) AS cost_a,
                    sumIf(quantity_micro, in_a) AS quantity_a,
                    sumIf(cost_rows, in_a) AS rows_a,
                    sumIf(cost_micro, NOT in_a) AS cost_b,
                    sumIf(quantity_micro, NOT in_a) AS quantity_b,
                    sumIf(cost_rows, NOT in_a) AS rows_b
                FROM
                (
                    SELECT *, block_start >= a0 AND block_start < a1 AS in_a
                    FROM cost_delta_blocks
                    -- Every row of the page's resources, under the node or not.
                    PREWHERE resource_hash IN (SELECT arrayJoin(page_hashes))
                    WHERE (block_start, level) IN tiles AND in_basis(charge_of(usage_hash))
                )
                GROUP BY resource_hash, usage_hash, under
            )
            GROUP BY resource_hash
        )
    ) AS details
