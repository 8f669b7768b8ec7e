from __future__ import annotations

import pytest
from pants.backend.python import target_types_rules
from pants.backend.python.target_types import (
    PythonSourcesGeneratorTarget,
    PythonTestsGeneratorTarget,
)
from pants.testutil.rule_runner import GoalRuleResult, RuleRunner

from polo import health
from polo.clickhouse_migrations import ClickhouseMigrationsTarget

HEALTHY = {
    "ruff.toml": '[lint.isort]\nknown-first-party = ["schema"]\n',
    "components/schema/__init__.py": "",
    "components/schema/migrate.py": "",
    "components/schema/migrate_test.py": "",
    "components/schema/migrations/001_a.sql": "SELECT 1",
    "components/schema/migrations/002_b.sql": "SELECT 2",
    "components/schema/BUILD": (
        "python_sources()\n"
        'python_tests(name="unit", tags=["unit"])\n'
        'clickhouse_migrations(name="migrations")\n'
    ),
}


@pytest.fixture
def rule_runner() -> RuleRunner:
    return RuleRunner(
        rules=[*health.rules(), *target_types_rules.rules()],
        target_types=[
            PythonSourcesGeneratorTarget,
            PythonTestsGeneratorTarget,
            ClickhouseMigrationsTarget,
        ],
    )


def run_health(rule_runner: RuleRunner, files: dict[str, str]) -> GoalRuleResult:
    rule_runner.write_files(files)
    return rule_runner.run_goal_rule(
        health.Health, global_args=["--source-root-patterns=['/components']"]
    )


def test_healthy_repo_passes(rule_runner: RuleRunner) -> None:
    result = run_health(rule_runner, HEALTHY)
    assert result.exit_code == 0, result.stderr
    assert "health: all checks passed" in result.stdout


def test_module_that_lost_its_test_fails_naming_the_file(rule_runner: RuleRunner) -> None:
    files = {**HEALTHY, "components/schema/loader.py": ""}
    result = run_health(rule_runner, files)
    assert result.exit_code == 1
    assert (
        "[module-has-test] components/schema/loader.py: no test file beside it: "
        "add components/schema/loader_test.py" in result.stderr
    )


def test_test_target_without_tag_fails_naming_the_target(rule_runner: RuleRunner) -> None:
    files = {
        **HEALTHY,
        "components/schema/BUILD": (
            'python_sources()\npython_tests(name="unit")\nclickhouse_migrations(name="migrations")\n'
        ),
    }
    result = run_health(rule_runner, files)
    assert result.exit_code == 1
    assert "[test-target-tag] components/schema:unit: needs exactly one of tags=" in result.stderr
    assert "(found: none)" in result.stderr


def test_migration_gap_fails(rule_runner: RuleRunner) -> None:
    files = {**HEALTHY, "components/schema/migrations/004_d.sql": "SELECT 4"}
    result = run_health(rule_runner, files)
    assert result.exit_code == 1
    assert "missing 003" in result.stderr


def test_first_party_list_out_of_sync_fails(rule_runner: RuleRunner) -> None:
    files = {**HEALTHY, "components/chlocal/__init__.py": ""}
    result = run_health(rule_runner, files)
    assert result.exit_code == 1
    assert "[ruff-first-party] ruff.toml: add ['chlocal']" in result.stderr
