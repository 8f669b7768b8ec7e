-- delta_resources for a precomputed pair: two adjacent weeks, a calendar month over the month
-- before, or month to date, with the raw totals (normalise = 'none'). One of the files of the
-- named query delta_resources (docs/attribution.md): the API and attribution.queries pick it for
-- those windows and delta_resources.sql (the blocks) for any other; both give the same rows.
--
-- Parameters
--   base_start    Date    first day of the base window A (inclusive)
--   base_end      Date    end of window A (exclusive)
--   compare_start Date    first day of the compare window B (inclusive)
--   compare_end   Date    end of window B (exclusive)
--   hierarchy     String  'logical' or 'physical'
--   node_id       String  the node whose resources are listed; '' is the root (everything)
--   normalise     String  'none' only: the per-day view reads the blocks (delta_resources.sql)
--   basis         String  'effective' (the default): effective cost, commitments a component;
--                         'billed': billed cost, no commitment component (docs/attribution.md)
--   limit         UInt32  page size (the API allows 1..1000)
--   offset        UInt32  rows to skip: the page starts after the `offset` largest changes
-- The windows must be two adjacent 7-day windows, a calendar month and the month before, or the
-- first days of a month and the same days of the month before (month to date, whose pair exists
-- once the data reaches the compare window's end: the routers check); anything else fails with
-- "delta_resources_pair answers a week-over-week, month-over-month or month-to-date pair with the
-- raw totals only".
--
-- Columns: those of delta_resources.sql, with the same meaning and order.
--
-- The resources that stay in one place for the whole pair are precomputed, ranked, in
-- cost_delta_pair_resources (migration 020): their first offset + limit rows under the node, in
-- sorting-key order, are all of them that can be on the page. The resources that moved inside the
-- pair (usually ~1 %) are classified per request from their lines in cost_delta_pair_moves, as
-- delta_resources.sql classifies every resource from the blocks (a move makes the answer depend
-- on the node). One scope and no scalar page: ClickHouse analyses a scalar subquery again in every
-- scope that uses it, which cost more than reading the page.
WITH
    {hierarchy:String} AS h,
    {node_id:String} AS node,
    {base_start:Date} AS a0,
    {base_end:Date} AS a1,
    {compare_start:Date} AS b0,
    {compare_end:Date} AS b1,
    -- The pair the windows are, checked in the routers' order (a whole month against the month
    -- before is also shaped like month to date).
    multiIf(
        a1 = b0 AND dateDiff('day', a0, a1) = 7 AND dateDiff('day', b0, b1) = 7, 'week',
        toStartOfMonth(b0) = b0 AND a1 = b0 AND a0 = addMonths(b0, -1) AND b1 = addMonths(b0, 1),
            'month',
        toStartOfMonth(b0) = b0 AND a0 = addMonths(b0, -1)
            AND dateDiff('day', b0, b1) BETWEEN 1 AND dateDiff('day', b0, addMonths(b0, 1))
            AND dateDiff('day', a0, a1) = least(dateDiff('day', b0, b1), dateDiff('day', a0, b0)),
            'mtd',
        '') AS pair,
    toUInt8(if(pair = 'mtd', dateDiff('day', b0, b1), 0)) AS pair_days,
    (
        -- @include delta_checks.sql
        -- @include delta_basis_check.sql
             + throwIf(pair = '' OR {normalise:String} != 'none',
                       'delta_resources_pair answers a week-over-week, month-over-month or month-to-date pair with the raw totals only')
    ) AS invalid,
    -- @include delta_resources_normalise.sql
    -- @include delta_charge.sql
    -- @include node_kind.sql
    -- @include delta_rate.sql
    -- @include delta_resources_under_node.sql
    -- How many resources the node has, on every page.
    assumeNotNull((
        SELECT count() FROM cost_delta_pair_resources
        WHERE pairs = pair AND compare_start = b0 AND compare_days = pair_days
          AND (moved = 0 OR node = '') AND under_node AND in_basis(charge)
    ) + (
        SELECT uniqExact(resource_hash) FROM cost_delta_pair_moves
        WHERE node != '' AND pairs = pair AND compare_start = b0 AND compare_days = pair_days
          AND under_node AND in_basis(charge_of(usage_hash))
    )) AS total_rows
SELECT
    -- @include delta_resources_columns.sql
    total_rows
FROM
(
    SELECT
        (resource_hash, resource_key) AS r,
        (resource_hash, toString(component), per_row(toInt256(cost_a)), per_row(toInt256(cost_b)),
         rate_micro, flagged,
         (toString(resource_type), toString(account_id), toString(region),
          toString(marqo_customer), toString(marqo_cluster), toString(marqo_role))) AS d
    FROM cost_delta_pair_resources
    WHERE pairs = pair AND compare_start = b0 AND compare_days = pair_days
      AND (moved = 0 OR node = '') AND under_node AND in_basis(charge)
    ORDER BY rank, resource_key
    LIMIT {limit:UInt32} + {offset:UInt32}
    UNION ALL
    SELECT (resource_hash, rkey) AS r,
        (resource_hash, component, total_a, total_b, rate_micro, flagged, seen) AS d
    FROM
    (
        SELECT
            any(line_key) AS rkey,
            -- @include delta_resources_classify.sql
        FROM
        (
            -- Per resource x usage type, under the node or not: the lines of the moved resources
            -- with a line under the node.
            SELECT
                resource_hash,
                usage_hash,
                under_node AS under,
                -- @include delta_resources_line_seen.sql
                sum(cost_a) AS cost_a,
                sum(quantity_a) AS quantity_a,
                sum(rows_a) AS rows_a,
                sum(cost_b) AS cost_b,
                sum(quantity_b) AS quantity_b,
                sum(rows_b) AS rows_b
            FROM cost_delta_pair_moves
            WHERE node != '' AND pairs = pair AND compare_start = b0 AND compare_days = pair_days
              AND in_basis(charge_of(usage_hash))
              AND resource_hash IN (
                  SELECT resource_hash FROM cost_delta_pair_moves
                  WHERE node != '' AND pairs = pair AND compare_start = b0
                    AND compare_days = pair_days AND under_node)
            GROUP BY resource_hash, usage_hash, under
        )
        GROUP BY resource_hash
    )
)
WHERE invalid = 0
ORDER BY abs(delta) DESC, resource_id, component
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
