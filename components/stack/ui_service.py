"""The web UI as a stack service: the Vite dev server, proxying `/api` to the local API Worker.

The browser talks to one origin (the dev server), which forwards `/api/...` to the Worker, as the
Worker itself serves the built UI and the API on one origin in production (Workers Static Assets).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from stack.service import Service
from workerctl.npm_project import NodeToolingMissing, needs_install, require_tool

UI = "ui"
UI_DIR = Path("components/ui")


def vite_command(vite: Path, ui_dir: Path, port: int) -> list[str]:
    # The root is explicit: the stack starts services from the repo root. --bypass-lock: Vite 8
    # refuses a second server of one project; a developer's own `npm run dev` must not stop ours.
    return [
        str(vite),
        str(ui_dir),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--strictPort",
        "--bypass-lock",
    ]


def ensure_ui_installed(ui_dir: Path) -> None:
    """`npm install` the locked dependencies when node_modules is missing or older than the lock."""
    if not needs_install(ui_dir):
        return
    npm = require_tool("npm")
    print(f"installing the web UI's npm dependencies in {ui_dir} ...", flush=True)
    subprocess.run(
        [npm, "install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=ui_dir,
        check=True,
    )


def ui_service(api_url: str, port: int, ui_dir: Path = UI_DIR) -> Service:
    """Describe the dev server for the API at `api_url` (its origin; `/api` is proxied to it)."""
    ui_dir = ui_dir.resolve()
    try:
        ensure_ui_installed(ui_dir)
    except NodeToolingMissing as error:
        raise RuntimeError(f"{error} (or start without the UI: polo-up --no-ui)") from error
    origin = api_url.removesuffix("/").removesuffix("/api")
    return Service(
        name=UI,
        command=vite_command(ui_dir / "node_modules" / ".bin" / "vite", ui_dir, port),
        port=port,
        # A static file: the dev server answers it at once, while `/` (index.html, transformed per
        # request) can take over a second on a busy machine.
        health_url=f"http://127.0.0.1:{port}/favicon.svg",
        url=f"http://127.0.0.1:{port}/",
        env={"POLO_API_URL": origin, "POLO_UI_PORT": str(port)},
        startup_timeout_s=120.0,
        description=f"web UI (Vite dev server, /api proxied to {origin})",
    )
