from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from attribution.pipeline import days_between, main


def test_days_between_is_end_exclusive_and_refuses_empty_ranges() -> None:
    assert days_between(date(2026, 2, 27), date(2026, 3, 2)) == [
        date(2026, 2, 27),
        date(2026, 2, 28),
        date(2026, 3, 1),
    ]
    with pytest.raises(ValueError, match="must be after start"):
        days_between(date(2026, 3, 1), date(2026, 3, 1))


def test_the_cli_rejects_a_backwards_range_before_connecting(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["--start", "2026-03-02", "--end", "2026-03-01", "--url", "http://127.0.0.1:9/x"]
    assert main(args) == 2
    assert "must be after start" in capsys.readouterr().err


def test_the_cli_rejects_an_invalid_rules_file_before_connecting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('version = 1\n\n[[rule]]\nid = "x"\neffective_from = 2026-01-01\n')
    args = ["--start", "2026-03-01", "--url", "http://127.0.0.1:9/x"]
    assert main([*args, "--allocation-rules", str(rules)]) == 2
    assert capsys.readouterr().err == (
        f'error: {rules}:3: rule "x": match: required key is missing\n'
        f'{rules}:3: rule "x": method: required key is missing\n'
        f'{rules}:3: rule "x": to: required key is missing\n'
    )
