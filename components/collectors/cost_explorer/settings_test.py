from __future__ import annotations

import pytest

from collectors.cost_explorer.settings import EC2_COMPUTE, CostExplorerSettings, SettingsError


def test_defaults_collect_the_trailing_month_and_ec2_resources() -> None:
    settings = CostExplorerSettings.from_env({})
    assert settings.provisional_days == 3
    assert settings.resource_days == 14
    assert settings.resource_services == (EC2_COMPUTE,)


def test_environment_overrides_every_field() -> None:
    settings = CostExplorerSettings.from_env(
        {
            "POLO_CE_BACKFILL_DAYS": "60",
            "POLO_CE_PROVISIONAL_DAYS": "5",
            "POLO_CE_RESOURCE_DAYS": "7",
            "POLO_CE_RESOURCE_SERVICES": "Amazon Elastic Compute Cloud - Compute, AWS Lambda",
            "POLO_CE_MAX_API_CALLS": "40",
            "UNRELATED": "x",
        }
    )
    assert settings.backfill_days == 60
    assert settings.provisional_days == 5
    assert settings.resource_days == 7
    assert settings.resource_services == (EC2_COMPUTE, "AWS Lambda")
    assert settings.max_api_calls == 40


def test_empty_resource_services_disables_resource_level_data() -> None:
    assert CostExplorerSettings.from_env({"POLO_CE_RESOURCE_SERVICES": ""}).resource_services == ()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("POLO_CE_RESOURCE_DAYS", "15"),  # AWS keeps 14 days of resource data
        ("POLO_CE_BACKFILL_DAYS", "0"),
        ("POLO_CE_MAX_API_CALLS", "lots"),
    ],
)
def test_bad_values_are_rejected_with_the_variable_named(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match="POLO_CE_"):
        CostExplorerSettings.from_env({name: value})
