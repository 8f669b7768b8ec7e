from __future__ import annotations

import json
import subprocess
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
    api_dir = _api_dir(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert deploy.main(["--env", "staging", "--dry-run"], api_dir=api_dir) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "deploy-worker: `node` is not on PATH: the API Worker needs Node.js 20+ and npm "
        "(e.g. `apt-get install nodejs npm`)."
    ]


# Issue 20: the bypass was honoured inside [env.staging], deployed on a public workers.dev host.

STAGING = """
name = "polo-api"
[vars]
POLO_ENV = "development"
POLO_AUTH_DEV_BYPASS = "1"

[env.staging]
name = "polo-api-staging"
workers_dev = true

[env.staging.vars]
POLO_ENV = "{env}"
POLO_AUTH_DEV_BYPASS = "{bypass}"
"""


def _api_dir(tmp_path: Path, env: str = "staging", bypass: str = "0") -> Path:
    (tmp_path / "package.json").write_text(json.dumps({"name": "x"}))
    (tmp_path / "wrangler.toml").write_text(STAGING.format(env=env, bypass=bypass))
    return tmp_path


@pytest.mark.parametrize("bypass", ["1", "true", " 1 ", "yes"])
@pytest.mark.parametrize("dry_run", [True, False])
def test_an_env_whose_vars_set_the_bypass_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bypass: str, dry_run: bool
) -> None:
    argv = ["--env", "staging", *(["--dry-run"] if dry_run else [])]
    assert deploy.main(argv, api_dir=_api_dir(tmp_path, bypass=bypass)) == 2
    err = capsys.readouterr().err
    assert "refusing to deploy env 'staging'" in err
    assert "POLO_AUTH_DEV_BYPASS" in err


@pytest.mark.parametrize("env", ["development", "Development", " DEVELOPMENT "])
def test_an_env_that_calls_itself_development_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], env: str
) -> None:
    assert deploy.main(["--env", "staging", "--dry-run"], api_dir=_api_dir(tmp_path, env=env)) == 2
    assert "POLO_ENV" in capsys.readouterr().err


def test_the_top_level_dev_vars_do_not_count_for_an_env(tmp_path: Path) -> None:
    # wrangler does not inherit [vars] into [env.*]: only the env's own vars are deployed.
    assert deploy.bypass_problems(_api_dir(tmp_path) / "wrangler.toml", "staging") == []


def test_a_missing_env_section_is_refused(tmp_path: Path) -> None:
    problems = deploy.bypass_problems(_api_dir(tmp_path) / "wrangler.toml", "production")
    assert problems == ["wrangler.toml has no [env.production] section"]


def test_the_repo_wrangler_toml_passes_for_every_env() -> None:
    for env in deploy.ENVIRONMENTS:
        assert deploy.bypass_problems(deploy.API_DIR / "wrangler.toml", env) == [], env


def _with_ui(tmp_path: Path) -> Path:
    api_dir = tmp_path / "api"
    api_dir.mkdir()
    _api_dir(api_dir)
    (tmp_path / "ui").mkdir()
    (tmp_path / "ui" / "package.json").write_text(json.dumps({"name": "ui"}))
    return api_dir


def test_the_web_ui_is_built_before_the_worker_is_bundled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(deploy, "require_tool", lambda name: name)
    monkeypatch.setattr(deploy, "ensure_installed", lambda _dir: None)
    monkeypatch.setattr(deploy, "build_ui", lambda ui_dir: calls.append(f"build {ui_dir.name}"))

    def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        calls.append(" ".join(command[1:]))
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(deploy.subprocess, "run", run)
    assert deploy.main(["--env", "staging", "--dry-run"], api_dir=_with_ui(tmp_path)) == 0
    assert calls == ["build ui", "scripts/deploy.mjs --env staging --dry-run"]


def test_a_failed_ui_build_stops_the_deploy_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(deploy, "require_tool", lambda name: name)
    monkeypatch.setattr(deploy, "ensure_installed", lambda _dir: None)

    def fail(_ui_dir: Path) -> None:
        raise subprocess.CalledProcessError(1, ["npm", "run", "build"])

    monkeypatch.setattr(deploy, "build_ui", fail)
    assert deploy.main(["--env", "staging", "--dry-run"], api_dir=_with_ui(tmp_path)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("deploy-worker: building the web UI failed")
