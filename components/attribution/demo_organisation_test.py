from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from attribution.demo_organisation import SeedConfig, plan

CONFIG = SeedConfig(customers=3, clusters=2, resources=150, days=15, end_date=date(2026, 3, 1))


def test_the_plan_is_a_function_of_the_random_seed() -> None:
    ids = [r.id for r in plan(CONFIG).resources]
    assert ids == [r.id for r in plan(CONFIG).resources]
    assert ids != [r.id for r in plan(CONFIG.model_copy(update={"random_seed": 8})).resources]
    assert len(ids) == len(set(ids)) >= CONFIG.resources


def test_a_period_too_short_for_two_windows_is_refused() -> None:
    with pytest.raises(ValidationError):
        SeedConfig(days=10)
