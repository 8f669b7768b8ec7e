from __future__ import annotations

from datetime import date

import pytest

from collectors.focus_export.collector import FocusSettings, FocusSettingsError, _first_month


def test_settings_come_from_the_environment_with_defaults() -> None:
    settings = FocusSettings.from_env(
        {"POLO_FOCUS_BUCKET": "exports", "POLO_FOCUS_EXPORT_NAME": "polo", "POLO_FOCUS_MONTHS": "6"}
    )
    assert (settings.bucket, settings.export_name, settings.months) == ("exports", "polo", 6)
    assert (settings.final_after_days, settings.prefix, settings.s3_endpoint) == (5, "", None)


@pytest.mark.parametrize(
    ("env", "field"),
    [
        ({"POLO_FOCUS_EXPORT_NAME": "polo"}, "bucket"),
        (
            {
                "POLO_FOCUS_BUCKET": "exports",
                "POLO_FOCUS_EXPORT_NAME": "p",
                "POLO_FOCUS_MONTHS": "0",
            },
            "months",
        ),
    ],
)
def test_a_missing_or_bad_setting_is_named(env: dict[str, str], field: str) -> None:
    with pytest.raises(FocusSettingsError, match=field):
        FocusSettings.from_env(env)


def test_a_month_is_final_a_configured_number_of_days_after_it_ends() -> None:
    settings = FocusSettings(bucket="exports", export_name="polo", final_after_days=5)
    assert not settings.is_final(date(2026, 12, 1), date(2026, 12, 5))
    assert settings.is_final(date(2026, 12, 1), date(2026, 12, 6))


@pytest.mark.parametrize(
    ("today", "months", "first"),
    [
        (date(2026, 12, 6), 1, date(2026, 12, 1)),
        (date(2026, 12, 6), 3, date(2026, 10, 1)),
        (date(2027, 1, 31), 2, date(2026, 12, 1)),
        (date(2026, 3, 1), 15, date(2025, 1, 1)),
    ],
)
def test_the_first_month_a_run_looks_at(today: date, months: int, first: date) -> None:
    assert _first_month(today, months) == first
