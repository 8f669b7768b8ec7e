from __future__ import annotations

import re

import pytest

from polo.settings import (
    COLLECTORS,
    ENVIRONMENTS,
    NOT_DEPLOYED,
    UnknownEnvironment,
    settings_for,
)


def test_every_environment_has_settings_with_its_own_names() -> None:
    prefixes = {settings_for(env).prefix for env in ENVIRONMENTS}
    assert prefixes == {"polo-staging", "polo-production"}
    assert settings_for("production").read_role_name == "PoloReadRole"
    assert settings_for("staging").stack_name("ClickHouse") == "Polo-Staging-ClickHouse"


def test_an_unknown_environment_names_the_known_ones() -> None:
    with pytest.raises(UnknownEnvironment, match="choose one of staging, production"):
        settings_for("prod")


def test_versions_are_pinned_and_collectors_match_their_packages() -> None:
    for env in ENVIRONMENTS:
        assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", settings_for(env).clickhouse_version)
    for collector in COLLECTORS:
        assert collector.artifact == f"components.collectors.{collector.name}/lambda.zip"
        assert collector.stale_after_minutes == 2 * collector.period_minutes


def test_no_account_id_or_arn_is_configured_in_code() -> None:
    from pathlib import Path

    source = (Path(__file__).parent / "settings.py").read_text()
    assert not re.search(r"\b\d{12}\b", source)
    assert "arn:aws" not in source


def test_every_collector_package_with_a_lambda_handler_is_deployed() -> None:
    from pathlib import Path

    collectors = Path(__file__).resolve().parents[2] / "components" / "collectors"
    with_handler = {p.parent.name for p in collectors.glob("*/handler.py")}
    deployed = {c.name for c in COLLECTORS}
    missing = with_handler - deployed - set(NOT_DEPLOYED)
    assert (
        not missing
    ), f"collector packages with a handler that infra/polo does not deploy: {missing}"
    assert deployed <= with_handler
