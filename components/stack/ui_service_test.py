from __future__ import annotations

import os
from pathlib import Path

import pytest

from stack.ui_service import ui_service, vite_command


def _installed(ui_dir: Path) -> Path:
    (ui_dir / "node_modules").mkdir(parents=True)
    (ui_dir / "package-lock.json").write_text("{}")
    marker = ui_dir / "node_modules" / ".package-lock.json"
    marker.write_text("{}")
    # node_modules newer than the lockfile: nothing to install.
    os.utime(marker, (2_000_000_000, 2_000_000_000))
    return ui_dir


def test_the_dev_server_serves_its_project_on_loopback_on_its_port_only() -> None:
    command = vite_command(Path("/ui/node_modules/.bin/vite"), Path("/ui"), 5173)
    assert command[:2] == ["/ui/node_modules/.bin/vite", "/ui"]
    assert ["--host", "127.0.0.1"] == command[command.index("--host") : command.index("--host") + 2]
    assert ["--port", "5173"] == command[command.index("--port") : command.index("--port") + 2]
    assert "--strictPort" in command


def test_the_ui_proxies_to_the_api_origin(tmp_path: Path) -> None:
    service = ui_service("http://127.0.0.1:8787/api", 5173, ui_dir=_installed(tmp_path))
    assert service.name == "ui"
    assert service.env["POLO_API_URL"] == "http://127.0.0.1:8787"
    assert service.url == "http://127.0.0.1:5173/"
    assert service.health_url == "http://127.0.0.1:5173/favicon.svg"
    assert service.command is not None
    assert service.command[0] == str(tmp_path.resolve() / "node_modules" / ".bin" / "vite")


def test_missing_node_explains_how_to_start_without_the_ui(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "package-lock.json").write_text("{}")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match=r"`npm` is not on PATH.*polo-up --no-ui"):
        ui_service("http://127.0.0.1:8787/api", 5173, ui_dir=tmp_path)
