-- charge_category(service_name, usage_type): a cost line's charge category, the rule of
-- attribution/charge_categories.py (category_of). cost_daily names a line that is not usage by its
-- FOCUS ChargeCategory (docs/cost-sources.md); Cost Explorer reports tax under the service 'Tax'.
    (service, usage) -> multiIf(
        service = 'Tax' OR usage = 'Tax', 'tax',
        usage = 'Credit', 'credit',
        usage = 'Adjustment', 'adjustment',
        usage = 'Purchase', 'purchase',
        'usage') AS charge_category,
