-- export_focus: Polo's attributed cost as FOCUS 1.x columns, one row per day x account x
-- service x usage type x resource, with the owner Polo attributed as tags, so the numbers can be
-- checked in any FOCUS-aware tool (GET /api/export/focus, CSV or Parquet).
--
-- Parameters
--   start   Date    first day (inclusive)
--   end     Date    end of the window (exclusive)
--   limit   UInt32  rows to return
--   offset  UInt32  rows to skip
--
-- Columns (FOCUS names): BillingPeriodStart / BillingPeriodEnd (the calendar month of the day),
-- ChargePeriodStart / ChargePeriodEnd (the day, UTC), ChargeCategory (Usage, Credit, Adjustment,
-- Tax or Purchase: the line's charge category, include/charge_category.sql), BilledCost, EffectiveCost (Decimal, exact), BillingCurrency,
-- ConsumedQuantity, PricingUnit, ServiceName, SubAccountId, RegionId, ResourceId, ResourceType,
-- x_UsageType, Tags (JSON object: the owner fields marqo_customer / marqo_cluster / marqo_role /
-- marqo_environment as Polo attributed them, and x_polo_owner_rule, how). Ordered by day, then
-- account, service, usage type and resource, so pages are stable.
WITH
    {start:Date} AS d0,
    {end:Date} AS d1,
    (SELECT throwIf(d1 <= d0, 'end must be after start (end is exclusive)')) AS invalid,
    -- @include charge_category.sql
    -- FOCUS spells the categories capitalised.
    (c) -> concat(upper(substring(c, 1, 1)), substring(c, 2)) AS focus_name
SELECT
    toDateTime(toStartOfMonth(charge_date), 'UTC') AS BillingPeriodStart,
    toDateTime(toStartOfMonth(charge_date) + toIntervalMonth(1), 'UTC') AS BillingPeriodEnd,
    toDateTime(charge_date, 'UTC') AS ChargePeriodStart,
    toDateTime(charge_date + 1, 'UTC') AS ChargePeriodEnd,
    focus_name(charge_category(service_name, usage_type)) AS ChargeCategory,
    sum(billed_cost) AS BilledCost,
    sum(effective_cost) AS EffectiveCost,
    'USD' AS BillingCurrency,
    sum(consumed_quantity) AS ConsumedQuantity,
    any(pricing_unit) AS PricingUnit,
    service_name AS ServiceName,
    account_id AS SubAccountId,
    any(region) AS RegionId,
    resource_id AS ResourceId,
    any(resource_type) AS ResourceType,
    usage_type AS x_UsageType,
    toJSONString(map(
        'marqo_customer', marqo_customer,
        'marqo_cluster', marqo_cluster,
        'marqo_role', marqo_role,
        'marqo_environment', marqo_environment,
        'x_polo_owner_rule', any(owner_rule)
    )) AS Tags
FROM cost_attributed_daily
WHERE charge_date >= d0 AND charge_date < d1 AND invalid = 0
GROUP BY charge_date, account_id, service_name, usage_type, resource_id,
    marqo_customer, marqo_cluster, marqo_role, marqo_environment
ORDER BY ChargePeriodStart, SubAccountId, ServiceName, x_UsageType, ResourceId, Tags
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
