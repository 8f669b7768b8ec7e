from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from collectors.cost_explorer.conftest import ce_day, ce_group
from collectors.cost_explorer.rows import (
    COST_DAILY_COLUMNS,
    CostDailyRow,
    CostResponseError,
    lines_from_results,
    parse_amount,
)

NOW = datetime(2024, 3, 10, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.5", "1.500000"),
        ("0.0101516483", "0.010152"),
        ("0.0000005", "0.000000"),  # half-even: ties go to the even neighbour
        ("0.0000015", "0.000002"),
        ("-12.3456789", "-12.345679"),  # credits and refunds are negative
        ("123456789.123456", "123456789.123456"),
    ],
)
def test_amounts_are_decimals_from_the_api_string(raw: str, expected: str) -> None:
    value = parse_amount(raw, what="x")
    assert isinstance(value, Decimal)
    assert str(value) == expected


@pytest.mark.parametrize("raw", [1.5, None, "abc", "NaN", "Infinity", ""])
def test_anything_but_a_finite_decimal_string_is_refused(raw: object) -> None:
    with pytest.raises(CostResponseError, match="UnblendedCost"):
        parse_amount(raw, what="2024-03-01 UnblendedCost")


def test_groups_become_lines_with_keys_and_fixed_dimensions() -> None:
    results = [
        ce_day(
            "2024-03-01",
            [
                ce_group("111111111111", "USE1-BoxUsage:m5.large", billed="2.304", quantity="24"),
                ce_group(
                    "222222222222",
                    "USE1-EBS:VolumeUsage.gp3",
                    billed="0.8",
                    effective="0.7",
                    quantity="10.5",
                    unit="GB-Mo",
                ),
            ],
            estimated=True,
        )
    ]
    lines = list(
        lines_from_results(
            results,
            ("LINKED_ACCOUNT", "USAGE_TYPE"),
            currency="USD",
            fixed={"SERVICE": "Amazon Elastic Compute Cloud - Compute"},
        )
    )
    assert [line.key for line in lines] == [
        (
            date(2024, 3, 1),
            "111111111111",
            "Amazon Elastic Compute Cloud - Compute",
            "USE1-BoxUsage:m5.large",
            "",
        ),
        (
            date(2024, 3, 1),
            "222222222222",
            "Amazon Elastic Compute Cloud - Compute",
            "USE1-EBS:VolumeUsage.gp3",
            "",
        ),
    ]
    second = lines[1]
    assert (second.billed_cost, second.effective_cost, second.consumed_quantity) == (
        Decimal("0.800000"),
        Decimal("0.700000"),
        Decimal("10.500000"),
    )
    assert second.pricing_unit == "GB-Mo"
    assert all(line.estimated for line in lines)


def test_a_foreign_currency_is_refused_rather_than_mixed_in() -> None:
    results = [ce_day("2024-03-01", [ce_group("111111111111", "S", currency="EUR")])]
    with pytest.raises(CostResponseError, match="'EUR', expected 'USD'"):
        list(lines_from_results(results, ("LINKED_ACCOUNT", "SERVICE"), currency="USD"))


def test_a_missing_metric_is_an_error_not_a_zero() -> None:
    group = ce_group("111111111111", "S")
    del group["Metrics"]["AmortizedCost"]
    with pytest.raises(CostResponseError, match="AmortizedCost missing"):
        list(
            lines_from_results(
                [ce_day("2024-03-01", [group])], ("LINKED_ACCOUNT", "SERVICE"), currency="USD"
            )
        )


def test_group_keys_must_match_the_group_by() -> None:
    results = [ce_day("2024-03-01", [ce_group("111111111111")])]
    with pytest.raises(CostResponseError, match="do not match the group-by"):
        list(lines_from_results(results, ("LINKED_ACCOUNT", "SERVICE"), currency="USD"))


def test_rows_carry_the_cost_daily_columns_and_the_region_of_the_usage_type() -> None:
    [line] = lines_from_results(
        [ce_day("2024-03-01", [ce_group("111111111111", "EU-NatGateway-Hours", billed="1.08")])],
        ("LINKED_ACCOUNT", "USAGE_TYPE"),
        currency="USD",
        fixed={"SERVICE": "EC2 - Other"},
    )
    row = CostDailyRow.from_line(line, is_provisional=True, collected_at=NOW).to_row()
    assert tuple(row) == COST_DAILY_COLUMNS
    assert row["region"] == "eu-west-1"
    assert row["is_provisional"] == 1
    assert row["billed_cost"] == Decimal("1.080000")


def test_amounts_too_large_for_the_column_are_refused() -> None:
    with pytest.raises(ValueError, match=r"Decimal\(18, 6\)"):
        CostDailyRow(
            charge_period_start=date(2024, 3, 1),
            account_id="1",
            region="",
            service_name="S",
            usage_type="U",
            resource_id="",
            billed_cost=Decimal("1e12"),
            effective_cost=0,
            consumed_quantity=0,
            pricing_unit="",
            is_provisional=False,
            collected_at=NOW,
        )


def test_naive_collection_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CostDailyRow(
            charge_period_start=date(2024, 3, 1),
            account_id="1",
            region="",
            service_name="S",
            usage_type="U",
            resource_id="",
            billed_cost=0,
            effective_cost=0,
            consumed_quantity=0,
            pricing_unit="",
            is_provisional=False,
            collected_at=datetime(2024, 3, 1),
        )
