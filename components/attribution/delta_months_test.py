from __future__ import annotations

from datetime import date

from attribution.delta_months import (
    compare_starts,
    is_month_over_month,
    next_month,
    previous_month,
)


def test_a_day_is_in_its_own_month_pair_and_the_next_one() -> None:
    assert compare_starts([date(2026, 12, 31), date(2026, 12, 1)]) == [
        date(2026, 12, 1),
        date(2027, 1, 1),
    ]
    assert compare_starts([date(2026, 1, 15), date(2026, 2, 1)]) == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]


def test_month_arithmetic_crosses_years() -> None:
    assert next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert previous_month(date(2026, 3, 1)) == date(2026, 2, 1)


def test_only_a_calendar_month_against_the_one_before_is_a_month_pair() -> None:
    feb, mar, apr = date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)
    assert is_month_over_month(feb, mar, mar, apr)
    assert is_month_over_month(date(2025, 12, 1), date(2026, 1, 1), date(2026, 1, 1), feb)
    assert not is_month_over_month(date(2026, 2, 2), mar, mar, apr)  # base not a whole month
    assert not is_month_over_month(feb, mar, mar, date(2026, 3, 31))  # compare cut short
    assert not is_month_over_month(date(2026, 1, 1), feb, mar, apr)  # not adjacent
    assert not is_month_over_month(date(2026, 2, 22), mar, mar, date(2026, 3, 8))  # weeks
