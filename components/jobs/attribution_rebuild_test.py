from __future__ import annotations

from datetime import date

import pytest

from attribution.pipeline import DayCounts
from jobs.attribution_rebuild import handle, window

TODAY = date(2026, 12, 6)


def test_the_default_window_is_the_last_days_up_to_yesterday():
    assert window({}, {"POLO_REBUILD_DAYS": "5"}, TODAY) == (date(2026, 12, 1), TODAY)
    assert window({}, {}, TODAY) == (date(2026, 12, 1), TODAY)  # default 5


def test_an_event_can_ask_for_more_days_or_an_explicit_range():
    assert window({"days": 30}, {"POLO_REBUILD_DAYS": "5"}, TODAY)[0] == date(2026, 11, 6)
    assert window({"start": "2026-10-01", "end": "2026-10-08"}, {}, TODAY) == (
        date(2026, 10, 1),
        date(2026, 10, 8),
    )


@pytest.mark.parametrize("days", ["0", "91", "many"])
def test_bad_day_counts_are_refused(days):
    with pytest.raises(ValueError):
        window({}, {"POLO_REBUILD_DAYS": days}, TODAY)


def test_handle_runs_the_pipeline_over_the_window_and_sums_rows():
    calls = []

    def run(start, end):
        calls.append((start, end))
        return [DayCounts(day=start, snapshots=2, ancestry=3, cost_rows=4)]

    summary = handle({}, {"POLO_REBUILD_DAYS": "2"}, run=run, today=TODAY)
    assert calls == [(date(2026, 12, 4), TODAY)]
    assert summary["rows"] == 9
    assert summary["start"] == "2026-12-04" and summary["end"] == "2026-12-06"
