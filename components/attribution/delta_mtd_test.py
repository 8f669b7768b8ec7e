from __future__ import annotations

from datetime import date

from attribution.delta_mtd import affected, is_month_to_date, month_days


def test_month_to_date_is_the_same_days_of_the_month_before_cut_at_its_end() -> None:
    nov, oct_ = date(2026, 11, 1), date(2026, 10, 1)
    assert is_month_to_date(oct_, date(2026, 10, 6), nov, date(2026, 11, 6))
    # 30 March to date against all of February; February against 1-28 January.
    assert is_month_to_date(date(2026, 2, 1), date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 31))
    assert is_month_to_date(date(2026, 1, 1), date(2026, 1, 29), date(2026, 2, 1), date(2026, 3, 1))
    # Not the same days, not from the 1st, not the month before, longer than the month.
    assert not is_month_to_date(oct_, date(2026, 10, 5), nov, date(2026, 11, 6))
    assert not is_month_to_date(date(2026, 10, 2), date(2026, 10, 7), nov, date(2026, 11, 6))
    assert not is_month_to_date(oct_, date(2026, 10, 6), date(2026, 11, 2), date(2026, 11, 7))
    assert not is_month_to_date(date(2026, 9, 1), date(2026, 9, 6), nov, date(2026, 11, 6))
    assert not is_month_to_date(oct_, date(2026, 10, 31), nov, date(2026, 12, 2))
    assert month_days(date(2028, 2, 1)) == 29


def test_a_day_is_in_the_pairs_of_its_month_and_the_next_from_its_day_of_month_on() -> None:
    assert affected([date(2026, 11, 5)]) == {date(2026, 11, 1): 5, date(2026, 12, 1): 5}
    # The smallest day of month per pair: 30 November's pairs from 3, December's from 3 and 30.
    assert affected([date(2026, 11, 30), date(2026, 12, 3)]) == {
        date(2026, 11, 1): 30,
        date(2026, 12, 1): 3,
        date(2027, 1, 1): 3,
    }
    assert affected([]) == {}
