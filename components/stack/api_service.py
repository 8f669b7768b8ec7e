"""The API Worker as a stack service: `wrangler dev` (workerd) against the local ClickHouse."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from chlocal import process
from stack.service import Service
from workerctl.npm_project import API_DIR, NodeToolingMissing, ensure_installed

API = "api"


def _split_credentials(url: str) -> tuple[str, str, str]:
    """`http://user:pass@host:port` → (`http://host:port`, user, pass): wrangler vars, not URL."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    bare = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return bare, parts.username or "", parts.password or ""


def wrangler_command(
    wrangler: Path, api_dir: Path, port: int, inspector_port: int, clickhouse_url: str
) -> list[str]:
    url, user, password = _split_credentials(clickhouse_url)
    command = [
        str(wrangler),
        "dev",
        "--config",
        str(api_dir / "wrangler.toml"),
        "--ip",
        "127.0.0.1",
        "--port",
        str(port),
        "--inspector-port",
        str(inspector_port),
        "--show-interactive-dev-session=false",
        "--var",
        f"CLICKHOUSE_URL:{url}",
        # Local development only; the Worker refuses the bypass outside POLO_ENV=development.
        "--var",
        "POLO_AUTH_DEV_BYPASS:1",
    ]
    if user:
        command += ["--var", f"CLICKHOUSE_USER:{user}", "--var", f"CLICKHOUSE_PASSWORD:{password}"]
    return command


def api_service(clickhouse_url: str, port: int, api_dir: Path = API_DIR) -> Service:
    """Install the Worker's npm dependencies when needed and describe its `wrangler dev`."""
    api_dir = api_dir.resolve()
    try:
        ensure_installed(api_dir)
    except NodeToolingMissing as error:
        raise RuntimeError(f"{error} (or start without the API: polo-up --no-api)") from error
    return Service(
        name=API,
        command=wrangler_command(
            api_dir / "node_modules" / ".bin" / "wrangler",
            api_dir,
            port,
            process.free_port(),
            clickhouse_url,
        ),
        port=port,
        health_url=f"http://127.0.0.1:{port}/api/health",
        url=f"http://127.0.0.1:{port}/api",
        startup_timeout_s=120.0,
        description="API Worker (wrangler dev, workerd; Access bypass for local development)",
    )
