-- 002 cost_daily: AWS cost, one row per day x account x service x usage type x resource
-- (resource_id is '' when Cost Explorer gives no resource). Column names follow the FinOps
-- FOCUS spec in snake_case (ChargePeriodStart, BilledCost, EffectiveCost, ConsumedQuantity,
-- PricingUnit, ServiceName).
--
-- Money is Decimal(18, 6) and quantities Decimal(24, 6): sums must be exact, so never Float.
--
-- Engine: ReplacingMergeTree(collected_at). Cost Explorer revises recent days (provisional
-- figures settle over ~72 hours), so a day is simply collected again: the new rows have the
-- same ordering key and a newer collected_at and replace the old ones on merge. Readers use
-- FINAL (or argMax by collected_at).
--
-- Ordering key starts with the day because every reader filters a date window first; account,
-- service and usage type follow for the per-account / per-service breakdowns.
--
-- Monthly partitions: re-collecting a day touches one partition, and a month is the unit an
-- operator would ever drop or re-import. No TTL: cost history is the product.
CREATE TABLE IF NOT EXISTS cost_daily
(
    charge_period_start Date,
    account_id          LowCardinality(String),
    region              LowCardinality(String),
    service_name        LowCardinality(String),
    usage_type          LowCardinality(String),
    resource_id         String,
    billed_cost         Decimal(18, 6),
    effective_cost      Decimal(18, 6),
    consumed_quantity   Decimal(24, 6),
    pricing_unit        LowCardinality(String),
    is_provisional      UInt8,
    collected_at        DateTime64(3, 'UTC') DEFAULT now64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(collected_at)
PARTITION BY toYYYYMM(charge_period_start)
ORDER BY (charge_period_start, account_id, service_name, usage_type, resource_id);
