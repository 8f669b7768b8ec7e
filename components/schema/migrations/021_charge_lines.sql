-- 021 charge lines in the decomposition's tables: commitments, credits, adjustments, tax and
-- purchases become lines of their own in cost_delta_blocks (011, 019), and through the blocks in
-- every pair table (012, 014, 015), the roots (018) and the pair resources (020), so that
-- delta_nodes and delta_resources report them as components of their own (docs/attribution.md,
-- "Charge lines") instead of a rate effect, a created resource or a continuing one.
--
-- A cost row of cost_attributed_daily becomes one or more lines of the blocks, by its charge
-- category (attribution/charge_categories.py, category_of; include/charge_category.sql):
--   usage       the usage line at its billed cost, usage_hash = cityHash64(usage_type) as before,
--               and, when effective != billed, a commitment line of effective - billed (what
--               Savings Plans and Reserved Instances took off or added), usage_hash = 1
--   credit, adjustment, tax, purchase
--               a line of its effective cost (usage_hash 2, 3, 4, 5) and one of its billed cost
--               (usage_hash 10, 11, 12, 13)
-- A line's charge is its usage_hash when below 16 (cityHash64 of a usage type is below 16 with
-- probability 2^-60), 0 for usage; its category is charge % 8 (1 commitment, 2 credit,
-- 3 adjustment, 4 tax, 5 purchase). On the effective basis the usage lines and the charges 1-5
-- add up to effective cost, on the billed basis the usage lines and the charges 10-13 to billed
-- cost (quantities are 0 on charge lines: they have no price).
--
-- A charge line has a resource hash of its own, bitXor(cityHash64(resource key), charge), and
-- keeps the resource's key, place and path: it sits under the same nodes as its resource but is
-- never classified with it, so a credit does not make a removed resource "transferred", nor a
-- commitment a created one "continuing". The decomposition sums each category's lines per child
-- (B - A) instead of classifying them.
--
-- The blocks are rebuilt from cost_attributed_daily through the new view, then every table read
-- from them: the pairs (their views place a charge line by its resource's closure rows), the
-- roots (a row per charge: `charge` joins the key, 0 for the usage decomposition), the moves and
-- the pair resources (`charge` on the row; a charge row's component is its category). Each table
-- is emptied first, so that re-running the migration after a failure rebuilds it again; the
-- views are replaced.
-- The blocks of the days [start, end), as attribution/delta_blocks.py writes them: migration
-- 019's view with each cost row split into its lines.
CREATE OR REPLACE VIEW cost_delta_blocks_source AS
WITH paths AS (
    SELECT snapshot_date, descendant_id,
        arrayReverseSort(x -> x.1, groupUniqArray((depth, ancestor_id, ancestor_type)))
            AS ancestors,
        arrayMap(x -> x.2, ancestors) AS path,
        arrayMap(x -> x.3, ancestors) AS types
    FROM resource_ancestry
    WHERE hierarchy = 'physical' AND depth > 0 AND ancestor_type NOT IN ('account', 'region')
      AND snapshot_date >= {start:Date} AND snapshot_date < {end:Date}
    GROUP BY snapshot_date, descendant_id
)
SELECT
    toDate(day - day % bitShiftLeft(1, level)) AS block_start,
    level,
    account_id, region, marqo_customer, marqo_cluster, marqo_role, resource_hash, usage_hash,
    any(key) AS resource_key,
    max(rtype) AS resource_type,
    sum(cost) AS cost_micro,
    sum(quantity) AS quantity_micro,
    toUInt32(count()) AS cost_rows,
    cityHash64(path) AS place_hash,
    any(path) AS physical_path,
    any(types) AS physical_types,
    toDate(max(day)) AS last_day
FROM
(
    SELECT
        toUInt16(d.charge_date) AS day,
        d.account_id AS account_id, d.region AS region, d.marqo_customer AS marqo_customer,
        d.marqo_cluster AS marqo_cluster, d.marqo_role AS marqo_role,
        if(d.resource_id != '', d.resource_id,
           concat('unresourced:', d.account_id, '/', d.region, '/', d.service_name)) AS key,
        toInt64(toDecimal128(d.effective_cost, 6) * 1000000) AS e,
        toInt64(toDecimal128(d.billed_cost, 6) * 1000000) AS b,
        toInt128(toDecimal128(d.consumed_quantity, 6) * 1000000) AS q,
        if(d.resource_id = '', 'unresourced', d.resource_type) AS rtype,
        p.path AS path,
        p.types AS types,
        line.1 AS usage_hash,
        bitXor(cityHash64(key), if(usage_hash < 16, usage_hash, 0)) AS resource_hash,
        line.2 AS cost,
        line.3 AS quantity
    FROM cost_attributed_daily AS d
    LEFT ANY JOIN paths AS p ON d.charge_date = p.snapshot_date AND d.resource_id = p.descendant_id
    -- The lines of the cost row (above); a charge line of no money is left out (a usage line is
    -- always kept: it says the resource was there).
    ARRAY JOIN arrayFilter(
        l -> l.1 >= 16 OR l.2 != 0,
        multiIf(
            d.service_name = 'Tax' OR d.usage_type = 'Tax', [(4, e, 0), (12, b, 0)],
            d.usage_type = 'Credit', [(2, e, 0), (10, b, 0)],
            d.usage_type = 'Adjustment', [(3, e, 0), (11, b, 0)],
            d.usage_type = 'Purchase', [(5, e, 0), (13, b, 0)],
            [(cityHash64(d.usage_type), b, q), (1, e - b, 0)])) AS line
    WHERE d.charge_date >= {start:Date} AND d.charge_date < {end:Date}
)
ARRAY JOIN range(5) AS level
GROUP BY block_start, level, account_id, region, marqo_customer, marqo_cluster, marqo_role,
         resource_hash, usage_hash, place_hash;

TRUNCATE TABLE cost_delta_blocks;

INSERT INTO cost_delta_blocks
SELECT * FROM cost_delta_blocks_source(start = '1970-01-01', end = '2149-06-06')
SETTINGS max_partitions_per_insert_block = 0, join_use_nulls = 0;

-- The pair views of migrations 012, 014 and 015 place each line by its resource's closure rows:
-- a charge line by its resource's (its hash xor its charge), as the blocks place it by the key.
CREATE OR REPLACE VIEW cost_delta_weeks_source AS
WITH paths AS (
    SELECT snapshot_date, cityHash64(descendant_id) AS descendant_hash,
        arrayReverseSort(x -> x.1, groupUniqArray((depth, ancestor_id, ancestor_type)))
            AS ancestors,
        arrayMap(x -> x.2, ancestors) AS physical_path,
        arrayMap(x -> x.3, ancestors) AS physical_types,
        cityHash64(physical_path) AS path_hash
    FROM resource_ancestry
    WHERE hierarchy = 'physical' AND depth > 0 AND ancestor_type NOT IN ('account', 'region')
      AND snapshot_date >= subtractDays({first:Date}, 7)
      AND snapshot_date < addDays({last:Date}, 7)
    GROUP BY snapshot_date, descendant_id
)
SELECT
    compare_start, account_id, region, marqo_customer, marqo_cluster, marqo_role,
    places.physical_path, places.physical_types,
    resource_hash, usage_hash, resource_key, resource_type,
    cost_a, quantity_a, rows_a, cost_b, quantity_b, rows_b, resource_in_a, resource_in_b,
    split_resource
FROM
(
    SELECT
        compare_start,
        account_id, region, marqo_customer, marqo_cluster, marqo_role, path_hash,
        resource_hash, usage_hash,
        any(resource_key) AS resource_key,
        max(resource_type) AS resource_type,
        sumIf(cost_micro, in_a) AS cost_a,
        sumIf(quantity_micro, in_a) AS quantity_a,
        sumIf(cost_rows, in_a) AS rows_a,
        sumIf(cost_micro, NOT in_a) AS cost_b,
        sumIf(quantity_micro, NOT in_a) AS quantity_b,
        sumIf(cost_rows, NOT in_a) AS rows_b,
        max(rows_a > 0) OVER (PARTITION BY compare_start, resource_hash) AS resource_in_a,
        max(rows_b > 0) OVER (PARTITION BY compare_start, resource_hash) AS resource_in_b,
        min((account_id, region, marqo_customer, marqo_cluster, marqo_role, path_hash))
            OVER (PARTITION BY compare_start, resource_hash)
            != max((account_id, region, marqo_customer, marqo_cluster, marqo_role, path_hash))
            OVER (PARTITION BY compare_start, resource_hash) AS split_resource
    FROM
    (
        SELECT compare_start, block_start < compare_start AS in_a, *
        FROM
        (
            SELECT b.*, p.path_hash
            FROM cost_delta_blocks AS b
            LEFT ANY JOIN paths AS p
                ON b.block_start = p.snapshot_date
                    AND bitXor(b.resource_hash, if(b.usage_hash < 16, b.usage_hash, 0)) = p.descendant_hash
            WHERE b.level = 0
              AND b.block_start >= subtractDays({first:Date}, 7)
              AND b.block_start < addDays({last:Date}, 7)
        )
        ARRAY JOIN arrayFilter(
            s -> s >= {first:Date} AND s <= {last:Date},
            arrayMap(i -> addDays(block_start, i), range(-6, 8))
        ) AS compare_start
    )
    GROUP BY compare_start, account_id, region, marqo_customer, marqo_cluster, marqo_role,
             path_hash, resource_hash, usage_hash
) AS lines
LEFT ANY JOIN
(
    SELECT path_hash, any(physical_path) AS physical_path, any(physical_types) AS physical_types
    FROM paths
    GROUP BY path_hash
) AS places ON lines.path_hash = places.path_hash;

CREATE OR REPLACE VIEW cost_delta_months_source AS
WITH paths AS (
    SELECT snapshot_date, cityHash64(descendant_id) AS descendant_hash,
        arrayReverseSort(x -> x.1, groupUniqArray((depth, ancestor_id, ancestor_type)))
            AS ancestors,
        arrayMap(x -> x.2, ancestors) AS physical_path,
        arrayMap(x -> x.3, ancestors) AS physical_types,
        cityHash64(physical_path) AS path_hash
    FROM resource_ancestry
    WHERE hierarchy = 'physical' AND depth > 0 AND ancestor_type NOT IN ('account', 'region')
      AND snapshot_date >= addMonths(toStartOfMonth({first:Date}), -1)
      AND snapshot_date < addMonths(toStartOfMonth({last:Date}), 1)
    GROUP BY snapshot_date, descendant_id
)
SELECT
    compare_start, account_id, region, marqo_customer, marqo_cluster, marqo_role,
    places.physical_path, places.physical_types,
    resource_hash, usage_hash, resource_key, resource_type,
    cost_a, quantity_a, rows_a, cost_b, quantity_b, rows_b, resource_in_a, resource_in_b,
    split_resource
FROM
(
    SELECT
        compare_start,
        account_id, region, marqo_customer, marqo_cluster, marqo_role, path_hash,
        resource_hash, usage_hash,
        any(resource_key) AS resource_key,
        max(resource_type) AS resource_type,
        sumIf(cost_micro, in_a) AS cost_a,
        sumIf(quantity_micro, in_a) AS quantity_a,
        sumIf(cost_rows, in_a) AS rows_a,
        sumIf(cost_micro, NOT in_a) AS cost_b,
        sumIf(quantity_micro, NOT in_a) AS quantity_b,
        sumIf(cost_rows, NOT in_a) AS rows_b,
        max(rows_a > 0) OVER (PARTITION BY compare_start, resource_hash) AS resource_in_a,
        max(rows_b > 0) OVER (PARTITION BY compare_start, resource_hash) AS resource_in_b,
        min((account_id, region, marqo_customer, marqo_cluster, marqo_role, path_hash))
            OVER (PARTITION BY compare_start, resource_hash)
            != max((account_id, region, marqo_customer, marqo_cluster, marqo_role, path_hash))
            OVER (PARTITION BY compare_start, resource_hash) AS split_resource
    FROM
    (
        SELECT compare_start, block_start < compare_start AS in_a, *
        FROM
        (
            SELECT b.*, p.path_hash
            FROM cost_delta_blocks AS b
            LEFT ANY JOIN paths AS p
                ON b.block_start = p.snapshot_date
                    AND bitXor(b.resource_hash, if(b.usage_hash < 16, b.usage_hash, 0)) = p.descendant_hash
            WHERE b.level = 0
              AND b.block_start >= addMonths(toStartOfMonth({first:Date}), -1)
              AND b.block_start < addMonths(toStartOfMonth({last:Date}), 1)
        )
        ARRAY JOIN arrayFilter(
            s -> s >= {first:Date} AND s <= {last:Date},
            [toStartOfMonth(block_start), addMonths(toStartOfMonth(block_start), 1)]
        ) AS compare_start
    )
    GROUP BY compare_start, account_id, region, marqo_customer, marqo_cluster, marqo_role,
             path_hash, resource_hash, usage_hash
) AS lines
LEFT ANY JOIN
(
    SELECT path_hash, any(physical_path) AS physical_path, any(physical_types) AS physical_types
    FROM paths
    GROUP BY path_hash
) AS places ON lines.path_hash = places.path_hash;

CREATE OR REPLACE VIEW cost_delta_mtd_source AS
WITH paths AS (
    SELECT snapshot_date, cityHash64(descendant_id) AS descendant_hash,
        arrayReverseSort(x -> x.1, groupUniqArray((depth, ancestor_id, ancestor_type)))
            AS ancestors,
        arrayMap(x -> x.2, ancestors) AS physical_path,
        arrayMap(x -> x.3, ancestors) AS physical_types,
        cityHash64(physical_path) AS path_hash
    FROM resource_ancestry
    WHERE hierarchy = 'physical' AND depth > 0 AND ancestor_type NOT IN ('account', 'region')
      AND snapshot_date >= addMonths(toStartOfMonth({first:Date}), -1)
      AND snapshot_date < least(addMonths(toStartOfMonth({last:Date}), 1), {data_end:Date})
    GROUP BY snapshot_date, descendant_id
)
SELECT
    compare_start, compare_days, account_id, region, marqo_customer, marqo_cluster, marqo_role,
    places.physical_path, places.physical_types,
    resource_hash, usage_hash, resource_key, resource_type,
    cost_a, quantity_a, rows_a, cost_b, quantity_b, rows_b, resource_in_a, resource_in_b,
    split_resource
FROM
(
    SELECT
        pair.1 AS compare_start,
        pair.2 AS compare_days,
        account_id, region, marqo_customer, marqo_cluster, marqo_role, path_hash,
        resource_hash, usage_hash,
        any(resource_key) AS resource_key,
        max(resource_type) AS resource_type,
        sumIf(cost_micro, pair.3) AS cost_a,
        sumIf(quantity_micro, pair.3) AS quantity_a,
        sumIf(cost_rows, pair.3) AS rows_a,
        sumIf(cost_micro, NOT pair.3) AS cost_b,
        sumIf(quantity_micro, NOT pair.3) AS quantity_b,
        sumIf(cost_rows, NOT pair.3) AS rows_b,
        max(rows_a > 0) OVER (PARTITION BY compare_start, compare_days, resource_hash)
            AS resource_in_a,
        max(rows_b > 0) OVER (PARTITION BY compare_start, compare_days, resource_hash)
            AS resource_in_b,
        min((account_id, region, marqo_customer, marqo_cluster, marqo_role, path_hash))
            OVER (PARTITION BY compare_start, compare_days, resource_hash)
            != max((account_id, region, marqo_customer, marqo_cluster, marqo_role, path_hash))
            OVER (PARTITION BY compare_start, compare_days, resource_hash) AS split_resource
    FROM
    (
        SELECT b.*, p.path_hash
        FROM cost_delta_blocks AS b
        LEFT ANY JOIN paths AS p
            ON b.block_start = p.snapshot_date
                    AND bitXor(b.resource_hash, if(b.usage_hash < 16, b.usage_hash, 0)) = p.descendant_hash
        WHERE b.level = 0
          AND b.block_start >= addMonths(toStartOfMonth({first:Date}), -1)
          AND b.block_start < least(addMonths(toStartOfMonth({last:Date}), 1), {data_end:Date})
    )
    -- (month, compare_days, in A) of every pair the block counts in, within the bounds.
    ARRAY JOIN arrayFilter(
        p -> p.1 >= {first:Date} AND p.1 <= {last:Date} AND p.2 >= {from_days:UInt8}
             AND addDays(p.1, p.2) <= {data_end:Date},
        arrayConcat(
            arrayMap(
                k -> (toStartOfMonth(block_start), toUInt8(k), false),
                range(toDayOfMonth(block_start), toDayOfMonth(toLastDayOfMonth(block_start)) + 1)
            ),
            arrayMap(
                k -> (addMonths(toStartOfMonth(block_start), 1), toUInt8(k), true),
                range(toDayOfMonth(block_start),
                      toDayOfMonth(toLastDayOfMonth(addMonths(toStartOfMonth(block_start), 1))) + 1)
            )
        )
    ) AS pair
    GROUP BY compare_start, compare_days, account_id, region, marqo_customer, marqo_cluster,
             marqo_role, path_hash, resource_hash, usage_hash
) AS lines
LEFT ANY JOIN
(
    SELECT path_hash, any(physical_path) AS physical_path, any(physical_types) AS physical_types
    FROM paths
    GROUP BY path_hash
) AS places ON lines.path_hash = places.path_hash;

-- The pairs, from the blocks, as migration 017 rebuilt them.
TRUNCATE TABLE cost_delta_weeks;

INSERT INTO cost_delta_weeks
SELECT *, toUInt32(sum(rows_a + rows_b) OVER (PARTITION BY compare_start, resource_hash))
FROM cost_delta_weeks_source(first = '1970-01-08', last = '2149-05-30')
SETTINGS max_partitions_per_insert_block = 0, join_use_nulls = 0;

TRUNCATE TABLE cost_delta_months;

INSERT INTO cost_delta_months
SELECT *, toUInt32(sum(rows_a + rows_b) OVER (PARTITION BY compare_start, resource_hash))
FROM cost_delta_months_source(first = '1970-02-01', last = '2149-05-01')
SETTINGS max_partitions_per_insert_block = 0, join_use_nulls = 0;

TRUNCATE TABLE cost_delta_mtd;

INSERT INTO cost_delta_mtd
SELECT *,
    toUInt32(sum(rows_a + rows_b) OVER (PARTITION BY compare_start, compare_days, resource_hash))
FROM cost_delta_mtd_source(
    first = '1970-02-01', last = '2149-05-01', from_days = 1, data_end = '2149-06-01')
SETTINGS max_partitions_per_insert_block = 0, join_use_nulls = 0;

-- The roots: one row per child x charge (0: the usage decomposition of the child; a charge: its
-- lines' totals in cost_a and cost_b, every other sum 0).
ALTER TABLE cost_delta_roots
    ADD COLUMN IF NOT EXISTS charge UInt8 AFTER child,
    MODIFY ORDER BY (pairs, compare_start, compare_days, hierarchy, child, charge);

CREATE OR REPLACE VIEW cost_delta_roots_source AS
WITH
    (n, d) -> intDiv(2 * abs(n) + d, 2 * d) * if(n < 0, -1, 1) AS rounded,
    (ca, cb, qa, qb, both) -> if(
        both AND qa > 0 AND qb > 0 AND (ca != cb OR qa != qb)
            AND (qa > 9223372036854775807 OR qb > 9223372036854775807
                 OR toInt128(cb) * qa != toInt128(ca) * qb),
        rounded((toInt256(cb) * qa - toInt256(ca) * qb) * (toInt256(qa) + qb), 2 * toInt256(qa) * qb),
        toInt256(0)) AS rate
SELECT
    pairs, compare_start, compare_days, hierarchy, child, charge,
    sum(ca) AS cost_a,
    sum(cb) AS cost_b,
    sumIf(cb, component = 1) AS created_b,
    sumIf(ca, component = 2) AS removed_a,
    sumIf(cb, component = 4) AS moved_in_b,
    sumIf(ca, component = 4) AS moved_out_a,
    sumIf(rate_raw, component = 3) AS rate_raw,
    sumIf(rate_daily, component = 3) AS rate_daily,
    countIf(component > 0) AS resource_count,
    toUInt64(sumIf(flagged, component = 3)) AS flagged
FROM
(
    SELECT *,
        multiIf(charge > 0, 0, in_a AND in_b AND NOT moved, 3, NOT had_a, 1, NOT had_b, 2, 4)
            AS component
    FROM
    (
        SELECT pairs, compare_start, compare_days, hierarchy, child, resource_hash,
            sum(c_a) AS ca, sum(c_b) AS cb, max(l_a) AS in_a, max(l_b) AS in_b,
            any(had_a) AS had_a, any(had_b) AS had_b,
            sum(rate(c_a, c_b, q_a, q_b, l_a AND l_b)) AS rate_raw,
            sum(rate(c_a * len_b, c_b * len_a, q_a * len_b, q_b * len_a, l_a AND l_b)) AS rate_daily,
            max(l_a AND l_b AND (q_a <= 0 OR q_b <= 0)) AS flagged,
            toUInt8(if(min(usage_hash) < 16, min(usage_hash), 0)) AS charge,
            count() OVER (PARTITION BY pairs, compare_start, compare_days, hierarchy, resource_hash)
                > 1 AS moved
        FROM
        (
            SELECT pairs, compare_start, compare_days, place.1 AS hierarchy, place.2 AS child,
                resource_hash, usage_hash,
                sum(cost_a) AS c_a, sum(cost_b) AS c_b, sum(quantity_a) AS q_a,
                sum(quantity_b) AS q_b, max(rows_a > 0) AS l_a, max(rows_b > 0) AS l_b,
                any(resource_in_a) AS had_a, any(resource_in_b) AS had_b,
                any(days_a) AS len_a, any(days_b) AS len_b
            FROM
            (
                SELECT 'week' AS pairs, compare_start, toUInt8(0) AS compare_days,
                    toInt64(7) AS days_a, toInt64(7) AS days_b,
                    marqo_customer, account_id, resource_hash, usage_hash, cost_a, cost_b, quantity_a,
                    quantity_b, rows_a, rows_b, resource_in_a, resource_in_b
                FROM cost_delta_weeks
                WHERE {pairs:String} = 'week'
                  AND compare_start >= {first:Date} AND compare_start <= {last:Date}
                UNION ALL
                SELECT 'month', compare_start, toUInt8(0),
                    toInt64(dateDiff('day', addMonths(compare_start, -1), compare_start)),
                    toInt64(dateDiff('day', compare_start, addMonths(compare_start, 1))),
                    marqo_customer, account_id, resource_hash, usage_hash, cost_a, cost_b, quantity_a,
                    quantity_b, rows_a, rows_b, resource_in_a, resource_in_b
                FROM cost_delta_months
                WHERE {pairs:String} = 'month'
                  AND compare_start >= {first:Date} AND compare_start <= {last:Date}
                UNION ALL
                SELECT 'mtd', compare_start, compare_days,
                    toInt64(least(compare_days,
                                  dateDiff('day', addMonths(compare_start, -1), compare_start))),
                    toInt64(compare_days),
                    marqo_customer, account_id, resource_hash, usage_hash, cost_a, cost_b, quantity_a,
                    quantity_b, rows_a, rows_b, resource_in_a, resource_in_b
                FROM cost_delta_mtd
                WHERE {pairs:String} = 'mtd'
                  AND compare_start >= {first:Date} AND compare_start <= {last:Date}
                  AND compare_days >= {min_days:UInt8}
            )
            ARRAY JOIN [('logical', marqo_customer), ('physical', account_id)] AS place
            GROUP BY pairs, compare_start, compare_days, hierarchy, child, resource_hash,
                     usage_hash
        )
        GROUP BY pairs, compare_start, compare_days, hierarchy, child, resource_hash
    )
)
GROUP BY pairs, compare_start, compare_days, hierarchy, child, charge;

TRUNCATE TABLE cost_delta_roots;

INSERT INTO cost_delta_roots
SELECT * FROM cost_delta_roots_source(pairs = 'week', first = '1970-01-01', last = '2149-06-06',
                                      min_days = 0)
SETTINGS max_partitions_per_insert_block = 0;

INSERT INTO cost_delta_roots
SELECT * FROM cost_delta_roots_source(pairs = 'month', first = '1970-01-01', last = '2149-06-06',
                                      min_days = 0)
SETTINGS max_partitions_per_insert_block = 0;

INSERT INTO cost_delta_roots
SELECT * FROM cost_delta_roots_source(pairs = 'mtd', first = '1970-01-01', last = '2149-06-06',
                                      min_days = 0)
SETTINGS max_partitions_per_insert_block = 0;

-- The pair resources: `charge` on the row (0 for a resource's usage), a charge row's component
-- its category.
ALTER TABLE cost_delta_pair_resources ADD COLUMN IF NOT EXISTS charge UInt8;

CREATE OR REPLACE VIEW cost_delta_pair_resources_source AS
WITH
    ['commitment', 'credit', 'adjustment', 'tax', 'purchase'] AS charges,
    (n, d) -> intDiv(2 * abs(n) + d, 2 * d) * if(n < 0, -1, 1) AS rounded,
    (ca, cb, qa, qb, both) -> if(
        both AND qa > 0 AND qb > 0 AND (ca != cb OR qa != qb)
            AND (qa > 9223372036854775807 OR qb > 9223372036854775807
                 OR toInt128(cb) * qa != toInt128(ca) * qb),
        rounded((toInt256(cb) * qa - toInt256(ca) * qb) * (toInt256(qa) + qb), 2 * toInt256(qa) * qb),
        toInt256(0)) AS rate
SELECT
    pairs, compare_start, compare_days,
    -abs(total_b - total_a) AS rank,
    resource_key, resource_hash,
    if(startsWith(resource_key, 'unresourced:'), '', type) AS resource_type,
    account_id, region, marqo_customer, marqo_cluster, marqo_role, path AS physical_path,
    toUInt8(0) AS moved,
    multiIf(charge > 0, charges[charge % 8], in_a AND in_b, 'continuing', in_b, 'created',
            'removed') AS component,
    total_a AS cost_a, total_b AS cost_b, rate_micro, flagged, charge
FROM
(
    SELECT pairs, compare_start, compare_days, resource_hash,
        any(resource_key) AS resource_key,
        max(resource_type) AS type,
        account_id, region, marqo_customer, marqo_cluster, marqo_role,
        any(physical_path) AS path,
        sum(cost_a) AS total_a,
        sum(cost_b) AS total_b,
        max(rows_a > 0) AS in_a,
        max(rows_b > 0) AS in_b,
        sum(rate(cost_a, cost_b, quantity_a, quantity_b, rows_a > 0 AND rows_b > 0)) AS rate_micro,
        toUInt8(max(rows_a > 0 AND rows_b > 0 AND (quantity_a <= 0 OR quantity_b <= 0))) AS flagged,
        toUInt8(if(min(usage_hash) < 16, min(usage_hash), 0)) AS charge
    FROM
    (
        SELECT 'week' AS pairs, compare_start, toUInt8(0) AS compare_days,
            resource_hash, usage_hash, resource_key, resource_type, account_id, region,
            marqo_customer,
            marqo_cluster, marqo_role, physical_path, cost_a, cost_b, quantity_a, quantity_b,
            rows_a, rows_b
        FROM cost_delta_weeks
        WHERE {pairs:String} = 'week' AND split_resource = 0
          AND compare_start >= {first:Date} AND compare_start <= {last:Date}
        UNION ALL
        SELECT 'month', compare_start, toUInt8(0),
            resource_hash, usage_hash, resource_key, resource_type, account_id, region,
            marqo_customer,
            marqo_cluster, marqo_role, physical_path, cost_a, cost_b, quantity_a, quantity_b,
            rows_a, rows_b
        FROM cost_delta_months
        WHERE {pairs:String} = 'month' AND split_resource = 0
          AND compare_start >= {first:Date} AND compare_start <= {last:Date}
        UNION ALL
        SELECT 'mtd', compare_start, compare_days,
            resource_hash, usage_hash, resource_key, resource_type, account_id, region,
            marqo_customer,
            marqo_cluster, marqo_role, physical_path, cost_a, cost_b, quantity_a, quantity_b,
            rows_a, rows_b
        FROM cost_delta_mtd
        WHERE {pairs:String} = 'mtd' AND split_resource = 0
          AND compare_start >= {first:Date} AND compare_start <= {last:Date}
          AND compare_days >= {min_days:UInt8}
    )
    GROUP BY pairs, compare_start, compare_days, resource_hash, account_id, region, marqo_customer,
             marqo_cluster, marqo_role
)
UNION ALL
-- The resources that moved, as the root sees them (every row under the node: created, removed or
-- continuing, with the owner of the last day), from their lines in cost_delta_pair_moves (below),
-- which are written first. Below the root they are classified per request.
SELECT
    pairs, compare_start, compare_days,
    -abs(total_b - total_a) AS rank,
    resource_key, resource_hash,
    seen.1 AS resource_type, seen.2 AS account_id, seen.3 AS region, seen.4 AS marqo_customer,
    seen.5 AS marqo_cluster, seen.6 AS marqo_role, path AS physical_path,
    toUInt8(1) AS moved,
    multiIf(charge > 0, charges[charge % 8], in_a AND in_b, 'continuing', in_b, 'created',
            'removed') AS component,
    total_a AS cost_a, total_b AS cost_b, rate_micro, flagged, charge
FROM
(
    SELECT pairs, compare_start, compare_days, resource_hash,
        any(line_key) AS resource_key,
        argMax(line_seen, (last, line_seen)) AS seen,
        argMax(line_path, (last, line_seen, line_path)) AS path,
        sum(c_a) AS total_a,
        sum(c_b) AS total_b,
        max(r_a > 0) AS in_a,
        max(r_b > 0) AS in_b,
        sum(rate(c_a, c_b, q_a, q_b, r_a > 0 AND r_b > 0)) AS rate_micro,
        toUInt8(max(r_a > 0 AND r_b > 0 AND (q_a <= 0 OR q_b <= 0))) AS flagged,
        toUInt8(if(min(usage_hash) < 16, min(usage_hash), 0)) AS charge
    FROM
    (
        SELECT pairs, compare_start, compare_days, resource_hash,
            any(resource_key) AS line_key,
            argMax(tuple(if(startsWith(resource_key, 'unresourced:'), '', resource_type),
                         account_id, region, marqo_customer, marqo_cluster, marqo_role),
                   (last_day, account_id, region, marqo_customer, marqo_cluster, marqo_role,
                    resource_type)) AS line_seen,
            argMax(physical_path, (last_day, physical_path)) AS line_path,
            max(last_day) AS last,
            sum(cost_a) AS c_a, sum(quantity_a) AS q_a, sum(rows_a) AS r_a,
            sum(cost_b) AS c_b, sum(quantity_b) AS q_b, sum(rows_b) AS r_b, usage_hash
        FROM cost_delta_pair_moves
        WHERE pairs = {pairs:String}
          AND compare_start >= {first:Date} AND compare_start <= {last:Date}
          AND compare_days >= {min_days:UInt8}
        GROUP BY pairs, compare_start, compare_days, resource_hash, usage_hash
    )
    GROUP BY pairs, compare_start, compare_days, resource_hash
);

TRUNCATE TABLE cost_delta_pair_moves;

INSERT INTO cost_delta_pair_moves
SELECT * FROM cost_delta_pair_moves_source(
    pairs = 'week', first = '1970-02-01', last = '2149-05-01', min_days = 0)
SETTINGS max_partitions_per_insert_block = 0;

INSERT INTO cost_delta_pair_moves
SELECT * FROM cost_delta_pair_moves_source(
    pairs = 'month', first = '1970-02-01', last = '2149-05-01', min_days = 0)
SETTINGS max_partitions_per_insert_block = 0;

INSERT INTO cost_delta_pair_moves
SELECT * FROM cost_delta_pair_moves_source(
    pairs = 'mtd', first = '1970-02-01', last = '2149-05-01', min_days = 0)
SETTINGS max_partitions_per_insert_block = 0;

TRUNCATE TABLE cost_delta_pair_resources;

INSERT INTO cost_delta_pair_resources
SELECT * FROM cost_delta_pair_resources_source(
    pairs = 'week', first = '1970-02-01', last = '2149-05-01', min_days = 0)
SETTINGS max_partitions_per_insert_block = 0;

INSERT INTO cost_delta_pair_resources
SELECT * FROM cost_delta_pair_resources_source(
    pairs = 'month', first = '1970-02-01', last = '2149-05-01', min_days = 0)
SETTINGS max_partitions_per_insert_block = 0;

INSERT INTO cost_delta_pair_resources
SELECT * FROM cost_delta_pair_resources_source(
    pairs = 'mtd', first = '1970-02-01', last = '2149-05-01', min_days = 0)
SETTINGS max_partitions_per_insert_block = 0
