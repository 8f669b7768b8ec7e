from __future__ import annotations

from pathlib import Path

import pytest

from prodsync import cli


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(cli.console, "width", 300)
    monkeypatch.setenv("POLO_HOME", str(tmp_path))
    monkeypatch.delenv(cli.SOURCE_ENV, raising=False)
    monkeypatch.delenv("POLO_CLICKHOUSE_URL", raising=False)


def test_defaults() -> None:
    args = cli._parser().parse_args([])
    assert (args.days, args.tables, args.force, args.dest_url) == (30, None, False, None)


def test_missing_source_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    assert f"pass --source-url or set {cli.SOURCE_ENV}" in capsys.readouterr().out


def test_remote_destination_refused_before_touching_anything(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = cli.main(
        ["--source-url", "http://127.0.0.1:1/polo", "--dest-url", "http://10.9.9.9:8123/polo"]
    )
    assert code == 2
    assert "is not local" in capsys.readouterr().out


def test_same_database_refused(capsys: pytest.CaptureFixture[str]) -> None:
    url = "http://127.0.0.1:1/polo"
    assert cli.main(["--source-url", url, "--dest-url", url]) == 2
    assert "same database" in capsys.readouterr().out


def test_unknown_table_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["--source-url", "http://127.0.0.1:1/polo", "--tables", "nope"])
    assert code == 2
    assert "unknown table(s) nope" in capsys.readouterr().out
