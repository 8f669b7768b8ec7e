-- 013 cost_focus: the line items of AWS Data Exports' FOCUS 1.x report, as delivered, and the
-- record of each delivery loaded (collectors/focus_export, docs/cost-sources.md).
--
-- cost_focus_line_items keeps every line of the export: usage, purchases, tax, credits and
-- adjustments (ChargeCategory), corrections (ChargeClass), commitment discounts (Savings Plans,
-- Reserved Instances), with the export's own precision: Decimal(38, 10), since line items carry
-- more than the 6 places of cost_daily and a month's sum must equal the invoice. Column names
-- are FOCUS's in snake_case; `usage_type` is AWS's x_UsageType.
--
-- Engine: plain MergeTree, one partition per billing period (the month the export covers). A
-- delivery replaces its month whole: the loader fills cost_focus_staging (same structure) and
-- swaps the month in with REPLACE PARTITION, which is atomic, so a reader sees the old month or
-- the new one, never a mix, and a failed load leaves the old month as it was.
CREATE TABLE IF NOT EXISTS cost_focus_line_items
(
    billing_period           Date,
    charge_date              Date,
    account_id               LowCardinality(String),
    region                   LowCardinality(String),
    service_name             LowCardinality(String),
    usage_type               LowCardinality(String),
    resource_id              String,
    charge_category          LowCardinality(String),
    charge_class             LowCardinality(String),
    charge_description       String,
    billed_cost              Decimal(38, 10),
    effective_cost           Decimal(38, 10),
    list_cost                Decimal(38, 10),
    consumed_quantity        Decimal(38, 10),
    consumed_unit            LowCardinality(String),
    pricing_unit             LowCardinality(String),
    commitment_discount_id   String,
    commitment_discount_type LowCardinality(String),
    tags                     Map(String, String),
    execution_id             String,
    source_file              String,
    CONSTRAINT charge_category_known
        CHECK charge_category IN ('Usage', 'Purchase', 'Tax', 'Credit', 'Adjustment')
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(billing_period)
ORDER BY (charge_date, account_id, service_name, usage_type, resource_id);

-- Where a delivery is assembled before it replaces its month (never read by anything else).
CREATE TABLE IF NOT EXISTS cost_focus_staging AS cost_focus_line_items;

-- Where the month's daily cost is assembled before it replaces cost_daily's partition for that
-- month, once the export for the month is final (the export wins over Cost Explorer then).
CREATE TABLE IF NOT EXISTS cost_daily_focus_staging AS cost_daily;

-- One row per delivery loaded: what the loader compares a manifest with (same execution id:
-- nothing to do), and how a user sees which month came from which delivery. `is_final`: the
-- month was final when loaded, so cost_daily's month was replaced from it.
CREATE TABLE IF NOT EXISTS focus_export_loads
(
    export_name     LowCardinality(String),
    billing_period  Date,
    execution_id    String,
    files           UInt32,
    line_items      UInt64,
    billed_cost     Decimal(38, 10),
    is_final        UInt8,
    loaded_at       DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(loaded_at)
ORDER BY (export_name, billing_period);
