from __future__ import annotations

import os
from pathlib import Path

from workerctl.npm_project import needs_install


def _project(tmp_path: Path) -> Path:
    (tmp_path / "package-lock.json").write_text("{}")
    return tmp_path


def test_missing_node_modules_needs_install(tmp_path: Path) -> None:
    assert needs_install(_project(tmp_path))


def test_install_newer_than_lock_is_current_and_an_edited_lock_is_not(tmp_path: Path) -> None:
    api = _project(tmp_path)
    marker = api / "node_modules" / ".package-lock.json"
    marker.parent.mkdir()
    marker.write_text("{}")
    lock_time = (api / "package-lock.json").stat().st_mtime
    os.utime(marker, (lock_time + 10, lock_time + 10))
    assert not needs_install(api)
    os.utime(api / "package-lock.json", (lock_time + 20, lock_time + 20))
    assert needs_install(api)
