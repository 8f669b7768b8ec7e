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
    -- @include delta_resources_normalise.sql
    (d) -> (d >= a0 AND d < a1) OR (d >= b0 AND d < b1) AS in_span,
    -- @include node_regions.sql
    -- Every resource under the node is classified from its cost rows.
    1 AS listed,
    -- @include delta_resources_classified.sql
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
