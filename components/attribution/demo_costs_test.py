from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from attribution.demo_costs import Q6, SAVINGS_PLAN_RATE, TAX_RATE, cost_rows
from attribution.demo_organisation import ACCOUNTS, PRICE_CHANGE_TYPE, SeedConfig, plan
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


def test_the_savings_plan_discounts_its_instances_until_it_expires_inside_window_b() -> None:
    org = plan(CONFIG)
    rows = cost_rows(org, random.Random(1))
    s = story(org)
    assert s.compare_start < s.savings_plan_expires < s.compare_end
    covered = [r for r in rows if r["resource_id"] in set(s.savings_plan_resources)]
    assert covered
    for r in covered:
        if r["charge_period_start"] < s.savings_plan_expires:
            assert r["effective_cost"] == (r["billed_cost"] * SAVINGS_PLAN_RATE).quantize(Q6)
            assert r["effective_cost"] < r["billed_cost"]
        else:
            assert r["effective_cost"] == r["billed_cost"]
    # Other accounts' instances and the first account's r6i never had the plan.
    uncovered = [r for r in rows if r["usage_type"] == f"BoxUsage:{PRICE_CHANGE_TYPE}"]
    assert uncovered and all(r["effective_cost"] == r["billed_cost"] for r in uncovered)


def test_each_account_pays_tax_on_its_bill_every_day_and_gets_one_credit() -> None:
    org = plan(CONFIG)
    rows = cost_rows(org, random.Random(1))
    s = story(org)
    taxes = [r for r in rows if r["usage_type"] == "Tax"]
    assert len(taxes) == CONFIG.days * len(ACCOUNTS)
    for tax in taxes:
        bill = sum(
            r["billed_cost"]
            for r in rows
            if r["charge_period_start"] == tax["charge_period_start"]
            and r["account_id"] == tax["account_id"]
            and r["usage_type"] not in ("Tax", "Credit")
        )
        assert tax["billed_cost"] == tax["effective_cost"] == (bill * TAX_RATE).quantize(Q6) > 0
        assert (tax["service_name"], tax["resource_id"], tax["consumed_quantity"]) == ("Tax", "", 0)
    (credit,) = (r for r in rows if r["usage_type"] == "Credit")
    assert credit["charge_period_start"] == s.credit_day
    assert credit["billed_cost"] == credit["effective_cost"] == s.credit_amount < 0
    assert (credit["resource_id"], credit["consumed_quantity"]) == ("", 0)
