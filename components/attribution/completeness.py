"""How complete each window of a delta is (issue 15): days with cost data, provisional days.

A window that reaches past the last day with cost data (today's cost is not in yet, a collector
stopped) holds fewer days than it spans, and its lower total is missing data, not a drop. Every
delta answer carries these counts, built here from the `window_completeness` lookup
(`components/api/src/lookups/window_completeness.sql`), the same shape as the API's `windows`
block (`src/completeness.ts`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel


class WindowCompleteness(BaseModel):
    start: date
    end: date
    days: int
    """Days the window spans."""
    days_with_cost: int
    """Days of the window with attributed cost."""
    provisional_days: int
    """Days of the window whose cost Cost Explorer may still revise."""
    days_after_last_cost_day: int
    """Days of the window after the last day with cost data anywhere."""
    complete: bool
    """Every day of the window holds cost data."""


class DeltaWindows(BaseModel):
    last_cost_day: date | None
    base: WindowCompleteness
    compare: WindowCompleteness
    complete: bool
    """Both windows hold cost data on every day: the delta compares like with like."""
    note: str | None
    """Why the delta is not like for like, when it is not."""


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _window(
    name: str, start: date, end: date, row: Mapping[str, Any], last_cost_day: date | None
) -> WindowCompleteness:
    days = (end - start).days
    with_cost = int(row.get(f"{name}_days_with_cost") or 0)
    if last_cost_day is None:
        after = days
    else:
        after = min(days, max(0, (end - (last_cost_day + timedelta(days=1))).days))
    return WindowCompleteness(
        start=start,
        end=end,
        days=days,
        days_with_cost=with_cost,
        provisional_days=int(row.get(f"{name}_provisional_days") or 0),
        days_after_last_cost_day=after,
        complete=with_cost >= days,
    )


def _describe(label: str, window: WindowCompleteness, last_cost_day: date | None) -> str:
    reach = (
        f" ({window.days_after_last_cost_day} after the last cost day, {last_cost_day or 'none'})"
        if window.days_after_last_cost_day
        else ""
    )
    return (
        f"{label} window {window.start}..{window.end} has cost data on "
        f"{window.days_with_cost} of {window.days} days{reach}"
    )


def delta_windows(params: Mapping[str, Any], row: Mapping[str, Any]) -> DeltaWindows:
    """The `windows` block of a delta answer from its windows and the lookup's row."""
    last = row.get("last_cost_day")
    last_cost_day = None if last is None else _day(last)
    base = _window("base", _day(params["base_start"]), _day(params["base_end"]), row, last_cost_day)
    compare = _window(
        "compare", _day(params["compare_start"]), _day(params["compare_end"]), row, last_cost_day
    )
    gaps = [
        _describe(label, window, last_cost_day)
        for label, window in (("base", base), ("compare", compare))
        if not window.complete
    ]
    return DeltaWindows(
        last_cost_day=last_cost_day,
        base=base,
        compare=compare,
        complete=not gaps,
        note=(
            f"{'; '.join(gaps)}: the delta is partly missing data, not only a change in cost"
            if gaps
            else None
        ),
    )


def data_end(last_cost_day: date | None, today: date) -> date:
    """Where default windows end (exclusive): the day after the last cost day, else today."""
    return today if last_cost_day is None else last_cost_day + timedelta(days=1)
