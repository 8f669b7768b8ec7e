from __future__ import annotations

from datetime import date, timedelta

from attribution.delta_weeks import WEEK_DAYS, batches, compare_starts

DAY = date(2026, 3, 18)


def _holds(compare_start: date, day: date) -> bool:
    week = timedelta(days=WEEK_DAYS)
    return compare_start - week <= day < compare_start + week


def test_a_day_is_in_the_fourteen_pairs_whose_windows_hold_it() -> None:
    starts = compare_starts([DAY])
    assert len(starts) == 2 * WEEK_DAYS
    assert all(_holds(start, DAY) for start in starts)
    # The neighbours just outside do not hold it.
    assert not _holds(starts[0] - timedelta(days=1), DAY)
    assert not _holds(starts[-1] + timedelta(days=1), DAY)


def test_days_close_together_share_their_pairs() -> None:
    assert compare_starts([DAY, DAY + timedelta(days=1)]) == [
        *compare_starts([DAY]),
        DAY + timedelta(days=WEEK_DAYS + 1),
    ]
    assert compare_starts([]) == []


def test_batches_are_consecutive_runs_of_at_most_fourteen_days() -> None:
    run = [DAY + timedelta(days=i) for i in range(30)]
    gap = [DAY + timedelta(days=100)]
    assert list(batches(run + gap)) == [
        (DAY, DAY + timedelta(days=13)),
        (DAY + timedelta(days=14), DAY + timedelta(days=27)),
        (DAY + timedelta(days=28), DAY + timedelta(days=29)),
        (gap[0], gap[0]),
    ]
    assert list(batches([])) == []
