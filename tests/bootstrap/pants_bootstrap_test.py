"""The `./pants` bootstrap script, run for real against a stand-in Pants venv."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path("pants")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the script with a cached "venv" whose `pants` echoes its argv and env."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(SCRIPT, root / "pants")
    cache = tmp_path / "cache"
    for venv in ("pants-2.17.1-py39", "pex-2.1.163-py39"):
        (cache / venv / "bin").mkdir(parents=True)
        (cache / venv / ".complete").touch()
    fake = cache / "pants-2.17.1-py39" / "bin" / "pants"
    fake.write_text(
        '#!/usr/bin/env bash\necho "args: $*"\necho "pex-url: $PANTS_PEX_CLI_URL_TEMPLATE"\n'
        'echo "nag: ${NO_SCIE_WARNING:-unset}"\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    pex = root / ".polo" / "bootstrap"
    pex.mkdir(parents=True)
    (pex / "pex-2.1.163.known_version").write_text("v2.1.163|linux_x86_64|abc|1\n")
    return root


def run(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(root),
        "POLO_PANTS_CACHE_DIR": str(root.parent / "cache"),
    }
    return subprocess.run(
        ["bash", str(root / "pants"), *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_tag_after_the_goal_is_moved_in_front(workspace: Path) -> None:
    result = run(workspace, "test", "--tag=unit", "::")
    assert result.returncode == 0, result.stderr
    assert "args: --tag=unit test ::" in result.stdout


def test_separate_tag_value_is_joined_and_moved(workspace: Path) -> None:
    result = run(workspace, "test", "--tag", "-perf", "components::")
    assert "args: --tag=-perf test components::" in result.stdout


def test_pex_cli_comes_from_the_local_build_and_the_nag_is_off(workspace: Path) -> None:
    result = run(workspace, "--version")
    assert f"pex-url: file://{workspace}/.polo/bootstrap/pex-2.1.163" in result.stdout
    assert "nag: 1" in result.stdout


def test_no_python39_gives_one_actionable_line(workspace: Path, tmp_path: Path) -> None:
    result = run(workspace, "--version", POLO_PANTS_CACHE_DIR=str(tmp_path / "empty"))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "needs Python 3.9, none found" in lines[0]
    assert "pyenv install 3.9.18" in lines[0]
    assert not (tmp_path / "empty").exists() or not any((tmp_path / "empty").iterdir())


def test_python39_override_must_really_be_39(workspace: Path, tmp_path: Path) -> None:
    result = run(
        workspace,
        "--version",
        POLO_PANTS_CACHE_DIR=str(tmp_path / "empty"),
        POLO_PYTHON39="/usr/bin/python3",
    )
    assert result.returncode == 1
    assert "needs Python 3.9" in result.stderr
