-- 017 resource_rows in the pair tables (cost_delta_weeks, cost_delta_months, cost_delta_mtd): the
-- number of cost_attributed_daily rows the row's resource has in the whole pair, under every
-- placement (rows_a + rows_b summed over the resource's rows of the pair).
--
-- Below the root, delta_nodes must tell a resource that moved inside the node (its rows are all
-- under one child: a continuing resource there) from one that moved across children or out of
-- the node (a transfer). It compared the node's rows of a split resource with all of its rows in
-- the pair, which it read per request in a second pass over the whole pair (split_rows): at
-- 100 000 resources that second read cost about as much as the rest of the query. With the count
-- on every row, the node's rows alone answer it.
--
-- The refreshes (attribution/delta_weeks.py, delta_months.py, delta_mtd.py) add the column to
-- what the migrations' source views return, with a window over the pair's rows of the resource.
-- The pairs written before this migration are rebuilt from the blocks the same way (re-running
-- it after a failure rebuilds them again; nothing is counted twice).
ALTER TABLE cost_delta_weeks ADD COLUMN IF NOT EXISTS resource_rows UInt32;

ALTER TABLE cost_delta_months ADD COLUMN IF NOT EXISTS resource_rows UInt32;

ALTER TABLE cost_delta_mtd ADD COLUMN IF NOT EXISTS resource_rows UInt32;

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

-- Every month-to-date pair of every month with blocks, as migration 015's backfill (pairs reaching
-- past the data are correct now and dropped by the next refresh of a day in their windows).
TRUNCATE TABLE cost_delta_mtd;

INSERT INTO cost_delta_mtd
SELECT *,
    toUInt32(sum(rows_a + rows_b) OVER (PARTITION BY compare_start, compare_days, resource_hash))
FROM cost_delta_mtd_source(
    first = '1970-02-01', last = '2149-05-01', from_days = 1, data_end = '2149-06-01')
SETTINGS max_partitions_per_insert_block = 0, join_use_nulls = 0;
