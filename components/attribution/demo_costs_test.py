from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from attribution.demo_costs import cost_rows
from attribution.demo_organisation import PRICE_CHANGE_TYPE, SeedConfig, plan
from attribution.demo_story import story

CONFIG = SeedConfig(customers=3, clusters=2, resources=150, days=15, end_date=date(2026, 3, 1))


def test_costs_are_decimal_to_the_micro_dollar_and_the_price_changes_in_window_b() -> None:
    org = plan(CONFIG)
    rows = cost_rows(org, random.Random(1))
    assert all(isinstance(r["billed_cost"], Decimal) for r in rows)
    assert all(r["billed_cost"] == r["billed_cost"].quantize(Decimal("0.000001")) for r in rows)
    s = story(org)
    changed = s.price_changed_resources[0]
    rates = {
        r["charge_period_start"] >= s.compare_start: r["billed_cost"] / r["consumed_quantity"]
        for r in rows
        if r["resource_id"] == changed and r["usage_type"] == f"BoxUsage:{PRICE_CHANGE_TYPE}"
    }
    assert rates[True] == rates[False] * Decimal("1.2")
    assert any(r["resource_id"] == "" for r in rows)  # AWS cost without a resource
