"""Which days a Cost Explorer run fetches, and which of them are still provisional.

A day is *final* once it was stored with `is_provisional = 0`; final days are never requested
again. Every other day of the backfill window is (re-)collected, so provisional days are fetched
on each run until AWS stops revising them. Today is never collected: its data is partial.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from collectors.cost_explorer.settings import CostExplorerSettings


class DateWindow(BaseModel):
    """A `[start, end)` range of days, as Cost Explorer's TimePeriod takes it."""

    model_config = ConfigDict(frozen=True)

    start: date
    end: date

    def time_period(self) -> dict[str, str]:
        return {"Start": self.start.isoformat(), "End": self.end.isoformat()}

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(n) for n in range((self.end - self.start).days)]


class CollectionPlan(BaseModel):
    """The days one run collects: the request window, and the sub-window with resource detail."""

    model_config = ConfigDict(frozen=True)

    today: date
    days: tuple[date, ...]
    window: DateWindow | None
    resource_window: DateWindow | None
    provisional_days: int

    def is_provisional(self, day: date, *, estimated: bool) -> bool:
        """AWS still revises the day: it says so (`Estimated`), the day is in the current month,
        or the day is within the trailing `provisional_days`."""
        return (
            estimated
            or (day.year, day.month) == (self.today.year, self.today.month)
            or day >= self.today - timedelta(days=self.provisional_days)
        )


def plan_collection(
    today: date, settings: CostExplorerSettings, final_days: Collection[date]
) -> CollectionPlan:
    """Plan a run on `today` given the days already stored as final.

    One contiguous window from the oldest non-final day to today keeps the request count at its
    minimum (a gap would need a second set of requests); final days inside it are fetched but
    not rewritten.
    """
    backfill_start = today - timedelta(days=settings.backfill_days)
    days = tuple(d for d in DateWindow(start=backfill_start, end=today).days if d not in final_days)
    window = DateWindow(start=days[0], end=today) if days else None
    resource_window = None
    if window is not None and settings.resource_days and settings.resource_services:
        start = max(window.start, today - timedelta(days=settings.resource_days))
        resource_window = DateWindow(start=start, end=today)
    return CollectionPlan(
        today=today,
        days=days,
        window=window,
        resource_window=resource_window,
        provisional_days=settings.provisional_days,
    )
