from __future__ import annotations

import json
from pathlib import Path

import pytest

from workerctl import deploy


def test_command_for_a_dry_run_and_a_real_deploy() -> None:
    assert deploy.build_command("/n", "staging", True) == [
        "/n",
        "scripts/deploy.mjs",
        "--env",
        "staging",
        "--dry-run",
    ]
    assert deploy.build_command("/n", "production", False)[-1] == "production"


def test_unknown_env_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        deploy.main(["--env", "prod"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'prod'" in capsys.readouterr().err


def test_outside_the_repo_root_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert deploy.main(["--env", "staging"], api_dir=tmp_path / "components/api") == 2
    assert "package.json not found: run from the repo root" in capsys.readouterr().err


def test_missing_node_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"name": "x"}))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert deploy.main(["--env", "staging", "--dry-run"], api_dir=tmp_path) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "deploy-worker: `node` is not on PATH: the API Worker needs Node.js 20+ and npm "
        "(e.g. `apt-get install nodejs npm`)."
    ]
