"""The charge category of a cost line."""

from __future__ import annotations

import pytest

from attribution.charge_category import CATEGORIES, CHARGES, category_of


@pytest.mark.parametrize(
    ("service", "usage", "category"),
    [
        ("Amazon Elastic Compute Cloud - Compute", "BoxUsage:m5.large", "usage"),
        ("Amazon Elastic Compute Cloud - Compute", "Credit", "credit"),
        ("AWS Support (Business)", "Adjustment", "adjustment"),
        ("Tax", "Tax", "tax"),
        # Cost Explorer names tax by its service, whatever the usage type.
        ("Tax", "USE-Tax", "tax"),
        ("Amazon S3", "Tax", "tax"),
        ("Savings Plans for AWS Compute usage", "Purchase", "purchase"),
        # A usage type that only starts like a category is usage.
        ("Amazon EC2", "CreditUsage:t3.micro", "usage"),
    ],
)
def test_a_line_is_usage_unless_named_by_its_charge_category(
    service: str, usage: str, category: str
) -> None:
    assert category_of(service, usage) == category


def test_the_charges_are_every_category_but_usage_in_the_answer_order() -> None:
    assert CHARGES == ("commitment", "credit", "adjustment", "tax", "purchase")
    assert CATEGORIES[0] == "usage"
    assert CATEGORIES[1:] == CHARGES
