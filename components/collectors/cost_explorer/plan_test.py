from __future__ import annotations

from datetime import date, timedelta

from collectors.cost_explorer.plan import DateWindow, plan_collection
from collectors.cost_explorer.settings import CostExplorerSettings

TODAY = date(2024, 3, 20)
SETTINGS = CostExplorerSettings(backfill_days=30, provisional_days=3, resource_days=14)


def test_first_run_collects_the_whole_backfill_up_to_yesterday() -> None:
    plan = plan_collection(TODAY, SETTINGS, final_days=set())
    assert plan.window == DateWindow(start=date(2024, 2, 19), end=TODAY)
    assert len(plan.days) == 30
    assert plan.days[-1] == date(2024, 3, 19)
    assert plan.resource_window == DateWindow(start=date(2024, 3, 6), end=TODAY)


def test_final_days_are_not_requested_again() -> None:
    final = {date(2024, 2, 19) + timedelta(n) for n in range(10)}
    plan = plan_collection(TODAY, SETTINGS, final_days=final)
    assert plan.window is not None
    assert plan.window.start == date(2024, 2, 29)
    assert not final & set(plan.days)


def test_nothing_to_collect_means_no_window() -> None:
    every_day = set(DateWindow(start=TODAY - timedelta(30), end=TODAY).days)
    plan = plan_collection(TODAY, SETTINGS, final_days=every_day)
    assert plan.window is None
    assert plan.resource_window is None
    assert plan.days == ()


def test_resource_window_never_starts_before_the_collection_window() -> None:
    final = set(DateWindow(start=TODAY - timedelta(30), end=TODAY - timedelta(2)).days)
    plan = plan_collection(TODAY, SETTINGS, final_days=final)
    assert plan.resource_window == DateWindow(start=TODAY - timedelta(2), end=TODAY)


def test_resource_level_can_be_switched_off() -> None:
    for settings in (
        SETTINGS.model_copy(update={"resource_days": 0}),
        SETTINGS.model_copy(update={"resource_services": ()}),
    ):
        assert plan_collection(TODAY, settings, final_days=set()).resource_window is None


def test_provisional_when_estimated_in_the_current_month_or_trailing_days() -> None:
    plan = plan_collection(date(2024, 4, 2), SETTINGS, final_days=set())
    assert plan.is_provisional(date(2024, 2, 10), estimated=True)
    assert not plan.is_provisional(date(2024, 2, 10), estimated=False)
    assert plan.is_provisional(date(2024, 4, 1), estimated=False)  # current month
    assert plan.is_provisional(date(2024, 3, 30), estimated=False)  # trailing 3 days
    assert not plan.is_provisional(date(2024, 3, 29), estimated=False)
