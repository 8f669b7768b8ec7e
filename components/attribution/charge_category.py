"""The charge category of a cost line: usage, or a credit, adjustment, tax or purchase.

`cost_daily` names a line that is not usage by its FOCUS ChargeCategory in `usage_type`
('Credit', 'Adjustment', 'Tax', 'Purchase'; docs/cost-sources.md), and Cost Explorer reports tax
under the service 'Tax'; every other line is usage. On a usage line, effective cost = billed cost
+ the commitment discounts (Savings Plans, Reserved Instances) amortised onto it: that difference
is the sixth category, 'commitment'.

The delta by charge category (charge_categories.py) and the decomposition's charge lines
(delta.py) read the rule from here; the SQL spells it in include/charge_category.sql and
migration 021 (the blocks' charge lines), and the integration tests hold them to it.
"""

from __future__ import annotations

from typing import Literal

Category = Literal["usage", "commitment", "credit", "adjustment", "tax", "purchase"]
# The order the rows of the delta by charge category are answered in: what is consumed first,
# then what the bill adds to it.
CATEGORIES: tuple[Category, ...] = (
    "usage",
    "commitment",
    "credit",
    "adjustment",
    "tax",
    "purchase",
)
# The categories that are not usage: the decomposition's charge components, in this order.
CHARGES: tuple[Category, ...] = CATEGORIES[1:]

# cost_daily's usage type for a line that is not usage (its FOCUS ChargeCategory).
_NAMED: dict[str, Category] = {
    "Credit": "credit",
    "Adjustment": "adjustment",
    "Tax": "tax",
    "Purchase": "purchase",
}
TAX_SERVICE = "Tax"


def category_of(service_name: str, usage_type: str) -> Category:
    """The charge category of a cost line (never 'commitment': that is part of a usage line)."""
    if service_name == TAX_SERVICE:
        return "tax"
    return _NAMED.get(usage_type, "usage")
