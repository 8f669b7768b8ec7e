"""The API Worker's npm project: where it is and making sure its dependencies are installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

API_DIR = Path("components/api")


class NodeToolingMissing(RuntimeError):
    """node or npm is not on PATH."""


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise NodeToolingMissing(
            f"`{name}` is not on PATH: the API Worker needs Node.js 20+ and npm "
            "(e.g. `apt-get install nodejs npm`)."
        )
    return path


def needs_install(api_dir: Path) -> bool:
    """node_modules is missing or older than the lockfile npm last installed from."""
    marker = api_dir / "node_modules" / ".package-lock.json"
    lock = api_dir / "package-lock.json"
    return not marker.exists() or marker.stat().st_mtime < lock.stat().st_mtime


def ensure_installed(api_dir: Path = API_DIR) -> None:
    """Install the locked dependencies when needed (see components/api/BUILD for why not `ci`)."""
    if not needs_install(api_dir):
        return
    npm = require_tool("npm")
    print(f"installing the API Worker's npm dependencies in {api_dir} ...", flush=True)
    subprocess.run(
        [npm, "install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=api_dir,
        check=True,
    )
