from __future__ import annotations

import socket
from datetime import date
from pathlib import Path

import pytest

from attribution.allocation_rules import NO_RULES, AllocationRules, AllocationRulesError
from attribution.pipeline import DayCounts
from jobs.attribution_rebuild import handle, handler, window

TODAY = date(2026, 12, 6)

SUPPORT_RULE = """\
version = 1

[[rule]]
id = "support"
effective_from = 2026-12-01
match = { service = "AWS Support (Business)" }
method = "even"
to = [{ customer = "acme" }, { customer = "globex" }]
"""


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

    def run(start, end, rules):
        calls.append((start, end, rules))
        return [DayCounts(day=start, snapshots=2, ancestry=3, cost_rows=4)]

    summary = handle({}, {"POLO_REBUILD_DAYS": "2"}, run=run, today=TODAY)
    assert calls == [(date(2026, 12, 4), TODAY, NO_RULES)]  # no POLO_ALLOCATION_RULES: no split
    assert summary["rows"] == 9
    assert summary["start"] == "2026-12-04" and summary["end"] == "2026-12-06"
    assert summary["allocation_rules"] is None and summary["allocation_rule_versions"] == 0


def test_the_rules_file_named_by_the_environment_is_applied(tmp_path: Path) -> None:
    path = tmp_path / "polo-allocation.toml"
    path.write_text(SUPPORT_RULE)
    applied: list[AllocationRules] = []

    def run(start: date, end: date, rules: AllocationRules) -> list[DayCounts]:
        applied.append(rules)
        return []

    summary = handle({}, {"POLO_ALLOCATION_RULES": str(path)}, run=run, today=TODAY)

    assert [[(r.id, r.effective_from) for r in rules.rule] for rules in applied] == [
        [("support", date(2026, 12, 1))]
    ]
    assert summary["allocation_rules"] == str(path)
    assert summary["allocation_rule_versions"] == 1


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            SUPPORT_RULE.replace('"even"', '"weighted"'),
            "polo-allocation.toml:7: rule \"support\": method: unknown method 'weighted', "
            "expected even, proportional or fixed",
        ),
        (None, "polo-allocation.toml: cannot read: No such file or directory"),
    ],
    ids=["invalid", "missing"],
)
def test_bad_rules_stop_the_job_before_anything_runs(
    tmp_path: Path, content: str | None, reason: str
) -> None:
    path = tmp_path / "polo-allocation.toml"
    if content is not None:
        path.write_text(content)
    runs: list[date] = []

    def run(start: date, end: date, rules: AllocationRules) -> list[DayCounts]:
        runs.append(start)
        return []

    with pytest.raises(AllocationRulesError) as raised:
        handle({}, {"POLO_ALLOCATION_RULES": str(path)}, run=run, today=TODAY)

    assert runs == []
    assert str(raised.value).splitlines() == [
        f"POLO_ALLOCATION_RULES={path}: invalid split rules, nothing was rebuilt:",
        f"{tmp_path}/{reason}",
    ]


def test_the_lambda_refuses_bad_rules_without_connecting_to_clickhouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "polo-allocation.toml"
    path.write_text(SUPPORT_RULE.replace('"even"', '"fixed"'))
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv("POLO_CLICKHOUSE_URL", f"http://127.0.0.1:{closed}/polo")
    monkeypatch.setenv("POLO_ALLOCATION_RULES", str(path))

    # Connecting first would fail with ClickHouseUnavailable after its retries instead.
    with pytest.raises(AllocationRulesError, match="method fixed needs a percent on every target"):
        handler({"days": 1}, None)
