-- 008 cost_by_owner_daily: the daily cost-by-owner rollup behind the dashboards, fed by a
-- materialized view from cost_attributed_daily (007).
--
-- Engine: SummingMergeTree. Every insert into 007 adds one partial-sum row per key here, and
-- merges add rows with the same key together. Merges are asynchronous, so readers must still
-- aggregate: SELECT ..., sum(billed_cost) ... GROUP BY ... (never read a row as the total).
-- Only money is summed: a count or a quantity in mixed pricing units would not add up.
--
-- Ordering key (charge_date, marqo_customer, marqo_cluster, marqo_role, account_id) is the
-- rollup grain; it is what the engine sums by.
--
-- Daily partitions mirror 007 so that rebuilding a day drops the same partition in both
-- tables and the view refills this one from the re-insert into 007.
CREATE TABLE IF NOT EXISTS cost_by_owner_daily
(
    charge_date    Date,
    account_id     LowCardinality(String),
    marqo_customer LowCardinality(String),
    marqo_cluster  LowCardinality(String),
    marqo_role     LowCardinality(String),
    billed_cost    Decimal(18, 6),
    effective_cost Decimal(18, 6)
)
ENGINE = SummingMergeTree
PARTITION BY charge_date
ORDER BY (charge_date, marqo_customer, marqo_cluster, marqo_role, account_id);

-- The view sees each block inserted into 007 and writes its per-owner sums to the table above.
-- sum() of Decimal(18, 6) is Decimal(38, 6); the cast back is exact for any realistic daily
-- total (up to 10^12 dollars).
CREATE MATERIALIZED VIEW IF NOT EXISTS cost_by_owner_daily_mv TO cost_by_owner_daily AS
SELECT
    charge_date,
    account_id,
    marqo_customer,
    marqo_cluster,
    marqo_role,
    toDecimal64(sum(billed_cost), 6)    AS billed_cost,
    toDecimal64(sum(effective_cost), 6) AS effective_cost
FROM cost_attributed_daily
GROUP BY charge_date, account_id, marqo_customer, marqo_cluster, marqo_role;
