-- delta_resources and delta_resources_week: each resource under the node classified from its cost
-- rows (cost_attributed_daily). `listed` (an alias of the including file) says which resources:
-- every one in delta_resources, only those the week pairs cannot answer in delta_resources_week.
    -- The cost rows of both windows that are under the node that day.
    placed AS (
        SELECT
            charge_date,
            resource_id,
            if(resource_id != '', resource_id,
               concat('unresourced:', account_id, '/', region, '/', service_name)) AS rkey,
            usage_type,
            resource_type,
            account_id,
            region,
            marqo_customer,
            marqo_cluster,
            marqo_role,
            effective_cost AS cost,
            consumed_quantity AS qty,
            charge_date >= a0 AND charge_date < a1 AS in_a,
            charge_date >= b0 AND charge_date < b1 AS in_b
        FROM cost_attributed_daily
        WHERE ((charge_date >= a0 AND charge_date < a1) OR (charge_date >= b0 AND charge_date < b1))
          AND multiIf(
                kind = 'root', 1,
                kind = 'customer', marqo_customer = substring(node, 10),
                kind = 'cluster', marqo_cluster != ''
                    AND concat('cluster:', marqo_customer, '/', marqo_cluster) = node,
                kind = 'role', marqo_role != ''
                    AND concat('role:', marqo_customer, '/', marqo_cluster, '/', marqo_role) = node,
                kind = 'leaf', rkey = node,
                kind = 'account', account_id = substring(node, 9),
                kind = 'region', has(node_accounts, account_id) AND has(node_regions, region),
                -- Physical, below a region: what the day's closure table puts under the node, and
                -- the node's own cost (on a day without a snapshot a resource has no closure rows:
                -- it hangs directly under its region, and is still under itself).
                resource_id = node
                OR has(node_accounts, account_id) AND has(node_regions, region)
                    AND (charge_date, resource_id) IN (
                        SELECT snapshot_date, descendant_id
                        FROM resource_ancestry
                        WHERE kind = 'below_region' AND hierarchy = 'physical' AND ancestor_id = node
                          AND ((snapshot_date >= a0 AND snapshot_date < a1)
                            OR (snapshot_date >= b0 AND snapshot_date < b1))))
          AND listed
    ),
    -- Where the resources under the node had cost at all: in each window, how many rows (more
    -- than under the node: it moved) and the last day. At the root every resource is under the
    -- node, and unresourced cost never moves, so nothing to look up for them.
    presence AS (
        SELECT
            resource_id AS rkey,
            max(charge_date >= a0 AND charge_date < a1) AS anywhere_a,
            max(charge_date >= b0 AND charge_date < b1) AS anywhere_b,
            count() AS rows_anywhere,
            max(charge_date) AS last_anywhere
        FROM cost_attributed_daily
        WHERE kind != 'root'
          AND ((charge_date >= a0 AND charge_date < a1) OR (charge_date >= b0 AND charge_date < b1))
          AND resource_id IN (SELECT resource_id FROM placed WHERE kind != 'root' AND resource_id != '')
        GROUP BY resource_id
    ),
    -- Per resource x usage type; the rate effect in integer micro-dollars, exactly as
    -- attribution/delta.py computes it.
    lines AS (
        SELECT
            rkey, usage_type,
            sumIf(cost, in_a) * scale_a AS c_a,
            sumIf(cost, in_b) * scale_b AS c_b,
            sumIf(qty, in_a) * scale_a AS q_a,
            sumIf(qty, in_b) * scale_b AS q_b,
            max(in_a) AS line_a,
            max(in_b) AS line_b,
            argMax(tuple(resource_type, account_id, region, marqo_customer, marqo_cluster, marqo_role),
                   charge_date) AS last_seen,
            max(charge_date) AS last_day,
            count() AS line_rows
        FROM placed
        GROUP BY rkey, usage_type
    ),
    resources AS (
        SELECT
            rkey,
            argMax(last_seen, last_day) AS seen,
            max(last_day) AS last_placed,
            sum(line_rows) AS placed_rows,
            sum(c_a) AS ca,
            sum(c_b) AS cb,
            max(line_a) AS in_a,
            max(line_b) AS in_b,
            sum(if(both_known, intDiv(2 * abs(n) + d, 2 * d) * if(n < 0, -1, 1), toInt256(0))) AS rate_micro,
            max(line_a AND line_b AND NOT both_known) AS flagged
        FROM
        (
            SELECT *,
                line_a AND line_b AND q_a > 0 AND q_b > 0 AS both_known,
                (toInt256(c_b * 1000000) * toInt256(q_a * 1000000)
                    - toInt256(c_a * 1000000) * toInt256(q_b * 1000000))
                    * (toInt256(q_a * 1000000) + toInt256(q_b * 1000000)) AS n,
                if(both_known, 2 * toInt256(q_a * 1000000) * toInt256(q_b * 1000000), toInt256(1)) AS d
            FROM lines
        )
        GROUP BY rkey
    ),
    -- Continuing: in both windows, every row under the node. Otherwise created (no cost anywhere
    -- in A), removed (none anywhere in B), or a transfer (in: c_B, out: -c_A), labelled
    -- transferred_in when it was under the node in B only or ended there, else transferred_out.
    classified AS (
        SELECT
            r.*,
            per_row(r.rate_micro) AS rate,
            p.rkey != '' AS looked_up,
            looked_up AND p.rows_anywhere > r.placed_rows AS moved,
            multiIf(
                r.in_a AND r.in_b AND NOT moved, 'continuing',
                NOT if(looked_up, p.anywhere_a, r.in_a), 'created',
                NOT if(looked_up, p.anywhere_b, r.in_b), 'removed',
                r.in_b AND (NOT r.in_a OR r.last_placed = p.last_anywhere), 'transferred_in',
                'transferred_out'
            ) AS component
        FROM resources AS r
        LEFT ANY JOIN presence AS p ON r.rkey = p.rkey
    )
