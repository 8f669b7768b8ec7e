-- delta_resources: the resources under a node, each classified relative to that node, with its
-- part of the node's delta (docs/attribution.md). The drill-down below delta_nodes.
--
-- Parameters
--   base_start    Date    first day of the base window A (inclusive)
--   base_end      Date    end of window A (exclusive)
--   compare_start Date    first day of the compare window B (inclusive)
--   compare_end   Date    end of window B (exclusive)
--   hierarchy     String  'logical' or 'physical'
--   node_id       String  the node whose resources are listed; '' is the root (everything)
--   normalise     String  'none': raw totals (the default); 'daily': each window's cost and
--                         quantity per day of the window (docs/attribution.md)
--   limit         UInt32  page size (the API allows 1..1000)
--   offset        UInt32  rows to skip: the page starts after the `offset` largest changes
-- Windows may differ in length; windows that share a day fail ("must not overlap").
--
-- Columns
--   resource_id (cost without a resource id appears as 'unresourced:<account>/<region>/<service>'),
--   resource_type, account_id, region, marqo_customer, marqo_cluster, marqo_role (the owner on
--   the resource's last day under the node), component ('created' | 'removed' | 'continuing' |
--   'transferred_in' | 'transferred_out'), total_a, total_b, delta, created, removed,
--   usage_effect, rate_effect, transferred_in, transferred_out, flagged (1 = continuing with an
--   unknown quantity: its whole change is reported as usage effect), total_rows (how many
--   resources the node has in all, on every page).
-- One page of the resources ordered by |delta| (largest first), then resource_id: walking the
-- pages to total_rows lists every resource once, and their deltas add up to the node's.
WITH
    {hierarchy:String} AS h,
    {node_id:String} AS node,
    {base_start:Date} AS a0,
    {base_end:Date} AS a1,
    {compare_start:Date} AS b0,
    {compare_end:Date} AS b1,
    (
        -- @include delta_checks.sql
    ) AS invalid,
    -- normalise = 'daily': A's amounts times B's length, B's times A's (exact), each reported
    -- amount divided by both lengths, rounded half away from zero to 1e-6; raw otherwise.
    {normalise:String} = 'daily' AS per_day,
    if(per_day, toInt64(dateDiff('day', b0, b1)), 1) AS scale_a,
    if(per_day, toInt64(dateDiff('day', a0, a1)), 1) AS scale_b,
    scale_a * scale_b AS divisor,
    (x) -> toDecimal128(intDiv(2 * abs(x) + divisor, 2 * divisor) * if(x < 0, -1, 1), 6) / 1000000
        AS per_row,
    multiIf(
        node = '', 'root',
        h = 'logical' AND startsWith(node, 'customer:'), 'customer',
        h = 'logical' AND startsWith(node, 'cluster:'), 'cluster',
        h = 'logical' AND startsWith(node, 'role:'), 'role',
        h = 'logical' OR startsWith(node, 'unresourced:'), 'leaf',
        startsWith(node, 'account:'), 'account',
        startsWith(node, 'region:'), 'region',
        'below_region'
    ) AS kind,
    -- The accounts and regions of a physical node at or below a region (its region ancestors),
    -- so that only those regions' cost rows are looked at.
    if(kind = 'region', [node], (
        SELECT groupUniqArray(ancestor_id)
        FROM resource_ancestry
        WHERE kind = 'below_region' AND hierarchy = 'physical'
          AND ((snapshot_date >= a0 AND snapshot_date < a1) OR (snapshot_date >= b0 AND snapshot_date < b1))
          AND startsWith(ancestor_id, 'region:') AND descendant_id = node
    )) AS region_nodes,
    arrayMap(x -> splitByChar('/', substring(x, 8))[1], region_nodes) AS node_accounts,
    arrayMap(x -> splitByChar('/', substring(x, 8))[2], region_nodes) AS node_regions,
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
SELECT
    rkey AS resource_id,
    seen.1 AS resource_type,
    seen.2 AS account_id,
    seen.3 AS region,
    seen.4 AS marqo_customer,
    seen.5 AS marqo_cluster,
    seen.6 AS marqo_role,
    component,
    per_row(toInt256(ca * 1000000)) AS total_a,
    per_row(toInt256(cb * 1000000)) AS total_b,
    total_b - total_a AS delta,
    if(component = 'created', total_b, 0) AS created,
    if(component = 'removed', -total_a, 0) AS removed,
    if(component = 'continuing', delta - rate, 0) AS usage_effect,
    if(component = 'continuing', rate, 0) AS rate_effect,
    if(startsWith(component, 'transferred'), total_b, 0) AS transferred_in,
    if(startsWith(component, 'transferred'), -total_a, 0) AS transferred_out,
    toUInt8(flagged AND component = 'continuing') AS flagged,
    count() OVER () AS total_rows
FROM classified
WHERE invalid = 0
ORDER BY abs(delta) DESC, resource_id
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
SETTINGS join_use_nulls = 0
