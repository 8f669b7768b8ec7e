from __future__ import annotations

from datetime import date

from attribution.completeness import data_end, delta_windows

WEEK = {
    "base_start": date(2026, 11, 21),
    "base_end": date(2026, 11, 28),
    "compare_start": date(2026, 11, 28),
    "compare_end": date(2026, 12, 5),
}


def test_a_compare_window_past_the_last_cost_day_is_flagged_with_its_day_counts() -> None:
    windows = delta_windows(
        WEEK,
        {
            "last_cost_day": date(2026, 12, 1),
            "base_days_with_cost": 7,
            "base_provisional_days": 0,
            "compare_days_with_cost": 4,
            "compare_provisional_days": 2,
        },
    )
    assert windows.base.complete and windows.base.days_after_last_cost_day == 0
    assert not windows.compare.complete and not windows.complete
    assert (windows.compare.days, windows.compare.days_with_cost) == (7, 4)
    assert (windows.compare.provisional_days, windows.compare.days_after_last_cost_day) == (2, 3)
    assert windows.note == (
        "compare window 2026-11-28..2026-12-05 has cost data on 4 of 7 days (3 after the last "
        "cost day, 2026-12-01): the delta is partly missing data, not only a change in cost"
    )


def test_complete_windows_with_provisional_days_carry_no_note() -> None:
    windows = delta_windows(
        WEEK,
        {
            "last_cost_day": "2026-12-04",
            "base_days_with_cost": 7,
            "base_provisional_days": 0,
            "compare_days_with_cost": 7,
            "compare_provisional_days": 2,
        },
    )
    assert windows.complete and windows.note is None
    assert windows.compare.provisional_days == 2


def test_a_gap_inside_the_base_window_is_flagged_too() -> None:
    windows = delta_windows(
        WEEK, {"last_cost_day": "2026-12-04", "base_days_with_cost": 5, "compare_days_with_cost": 7}
    )
    assert not windows.base.complete and windows.base.days_after_last_cost_day == 0
    assert windows.compare.complete and not windows.complete


def test_without_any_cost_every_day_is_missing_and_defaults_end_today() -> None:
    windows = delta_windows(WEEK, {"last_cost_day": None})
    assert windows.last_cost_day is None and windows.compare.days_after_last_cost_day == 7
    assert data_end(None, date(2026, 12, 6)) == date(2026, 12, 6)
    assert data_end(date(2026, 12, 1), date(2026, 12, 6)) == date(2026, 12, 2)
