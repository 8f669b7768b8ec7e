"""The local Polo stack: `python -m stack.stack up|down|status` (behind `pants polo-up/down`).

The stack is a list of `Service`s (`stack.service`) started in order as background processes,
each with a port and a health URL, one module per service: ClickHouse (`stack.clickhouse_service`:
the chDB endpoint `chlocal.server`, default, or a Docker Compose ClickHouse server with
`--clickhouse=docker`), then the API Worker under `wrangler dev` (`stack.api_service`), then the
web UI's Vite dev server proxying `/api` to it (`stack.ui_service`). An empty database gets the
demo organisation (`stack.demo_data`).

State lives under `$POLO_HOME` (default `./.polo`):
- `chlocal.json` — `{"url", "pid", "port", "started_at", ...}`: how every Polo command finds the
  running ClickHouse (see `clickhouse.client.resolve_url`);
- `stack.json` — every running service (pid, port, url, log);
- `logs/<service>.log` — each service's output; `clickhouse/` — the chDB data directory.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from rich.console import Console
from rich.table import Table

from chlocal import process
from chlocal.server import DEFAULT_PORT
from stack.api_service import api_service
from stack.clickhouse_service import CLICKHOUSE, Mode, clickhouse_service
from stack.demo_data import seed_when_empty
from stack.service import Service
from stack.ui_service import ui_service

DEFAULT_API_PORT = 8787
DEFAULT_UI_PORT = 5173
DEFAULT_COMPOSE_FILE = "docker-compose.yml"

console = Console(highlight=False)


class StackError(Exception):
    """A failure to report in one or a few lines; `exit_code` is what the CLI exits with."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class RunningService(BaseModel):
    name: str
    pid: int | None
    port: int
    url: str
    # State files written before services had their own health URL were ClickHouse only.
    health_url: str = ""
    log: str | None
    started_at: str
    description: str = ""


class StackState(BaseModel):
    mode: Mode
    services: list[RunningService]


class Paths(BaseModel):
    model_config = ConfigDict(frozen=True)

    home: Path

    @property
    def endpoint_file(self) -> Path:
        return self.home / "chlocal.json"

    @property
    def state_file(self) -> Path:
        return self.home / "stack.json"

    @property
    def data_dir(self) -> Path:
        return self.home / "clickhouse"

    def log(self, service: str) -> Path:
        return self.home / "logs" / f"{service}.log"


def polo_home() -> Path:
    return Path(os.environ.get("POLO_HOME") or ".polo").resolve()


def read_state(paths: Paths) -> StackState | None:
    try:
        return StackState.model_validate_json(paths.state_file.read_text())
    except (OSError, ValueError):
        return None


def _write_json(path: Path, payload: str) -> None:
    """Write atomically: readers (every Polo command) never see a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(payload)
    tmp.replace(path)


def _write_state(paths: Paths, state: StackState) -> None:
    _write_json(paths.state_file, state.model_dump_json(indent=2))
    clickhouse = next(s for s in state.services if s.name == CLICKHOUSE)
    _write_json(
        paths.endpoint_file,
        json.dumps(
            {
                "url": clickhouse.url,
                "pid": clickhouse.pid,
                "port": clickhouse.port,
                "started_at": clickhouse.started_at,
                "mode": state.mode,
                "data_dir": str(paths.data_dir) if state.mode == "embedded" else None,
                "log": clickhouse.log,
            },
            indent=2,
        ),
    )


def _clear_state(paths: Paths) -> None:
    for path in (paths.endpoint_file, paths.state_file):
        path.unlink(missing_ok=True)


def _service_up(service: RunningService) -> bool:
    alive = service.pid is None or process.pid_alive(service.pid)
    health_url = service.health_url or f"http://127.0.0.1:{service.port}/ping"
    return alive and process.healthy(health_url)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _docker_compose(
    compose_file: Path, *args: str, port: int = DEFAULT_PORT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["docker", "compose", "-f", str(compose_file), *args],
        capture_output=True,
        text=True,
        check=False,
        # docker-compose.yml publishes ${POLO_CLICKHOUSE_PORT:-8123}.
        env={**os.environ, "POLO_CLICKHOUSE_PORT": str(port)},
    )


def _require_docker() -> None:
    if shutil.which("docker") is None:
        raise StackError(
            "--clickhouse=docker needs Docker: the docker CLI is not installed "
            "(use --clickhouse=embedded, the default).",
            exit_code=2,
        )
    info = subprocess.run(
        ["docker", "info", "--format", "{{.ServerVersion}}"],
        capture_output=True,
        text=True,
        check=False,
        timeout=20,
    )
    if info.returncode != 0:
        raise StackError(
            "--clickhouse=docker needs a running Docker engine, and none answers "
            "(`docker info` failed); use --clickhouse=embedded, the default.",
            exit_code=2,
        )


def _start_docker(service: Service, compose_file: Path) -> RunningService:
    _require_docker()
    if not compose_file.is_file():
        raise StackError(f"compose file {compose_file} not found (run from the repo root)")
    with console.status(f"docker compose up -d --wait ({compose_file.name})"):
        result = _docker_compose(compose_file, "up", "-d", "--wait", port=service.port)
    if result.returncode != 0:
        raise StackError(f"docker compose up failed:\n{result.stderr.strip()}")
    return RunningService(
        name=service.name,
        pid=None,
        port=service.port,
        url=service.url,
        log=None,
        started_at=_now(),
        description=service.description,
    )


def _start_process(service: Service, paths: Paths) -> RunningService:
    assert service.command is not None
    if process.port_in_use(service.port):
        raise StackError(
            f"port {service.port} is already in use by a process Polo did not start; "
            f"stop it or pass --port",
            exit_code=2,
        )
    log_path = paths.log(service.name)
    pid = process.spawn(
        service.command, log_path=log_path, env=process.child_python_env(service.env)
    )
    with console.status(f"starting {service.name} (pid {pid}), waiting for {service.health_url}"):
        try:
            took = process.wait_healthy(
                service.name,
                service.health_url,
                pid=pid,
                log_path=log_path,
                timeout_s=service.startup_timeout_s,
            )
        except process.StartupError as exc:
            process.stop(pid, timeout_s=5)
            raise StackError(str(exc)) from exc
    console.print(f"[green]✓[/] {service.name} up in {took:.1f}s (pid {pid})")
    return RunningService(
        name=service.name,
        pid=pid,
        port=service.port,
        url=service.url,
        health_url=service.health_url,
        log=str(log_path),
        started_at=_now(),
        description=service.description,
    )


def apply_migrations_over_http(url: str) -> list[str]:
    """Apply Polo's migrations through the running endpoint; returns the names applied."""
    from clickhouse.client import connect
    from schema.migrate import apply_migrations

    with connect(url, create_database=True) as db:
        applied = apply_migrations(db, report=lambda line: console.print(f"  {line}"))
    return [m.name for m in applied]


def print_stack(state: StackState, title: str) -> None:
    table = Table(title=title, title_justify="left")
    table.add_column("service")
    table.add_column("state")
    table.add_column("url")
    table.add_column("pid")
    table.add_column("log", overflow="fold")
    for service in state.services:
        up = _service_up(service)
        table.add_row(
            service.name,
            "[green]up[/]" if up else "[red]down[/]",
            service.url,
            str(service.pid) if service.pid else "docker",
            service.log or "docker compose logs",
        )
    console.print(table)


def up(
    mode: Mode,
    port: int,
    *,
    paths: Paths | None = None,
    compose_file: Path | None = None,
    migrate: Callable[[str], list[str]] = apply_migrations_over_http,
    seed: Callable[[str], object] | None = None,
    api_port: int | None = None,
    ui_port: int | None = None,
) -> StackState:
    """Start the stack unless it runs already; returns what runs."""
    paths = paths or Paths(home=polo_home())
    existing = read_state(paths)
    if existing is not None:
        if all(_service_up(s) for s in existing.services):
            print_stack(existing, f"Polo stack already up ({existing.mode})")
            return existing
        console.print("[yellow]a previous stack did not stop cleanly; stopping its leftovers[/]")
        down(paths=paths, compose_file=compose_file, quiet=True)
    paths.home.mkdir(parents=True, exist_ok=True)
    running: list[RunningService] = []
    try:
        clickhouse = clickhouse_service(mode, paths.data_dir, port)
        if clickhouse.command is None:
            running.append(
                _start_docker(clickhouse, compose_file or Path(DEFAULT_COMPOSE_FILE).resolve())
            )
        else:
            running.append(_start_process(clickhouse, paths))
        _write_state(paths, StackState(mode=mode, services=running))
        console.print(f"applying migrations through {clickhouse.health_url[:-5]}")
        applied = migrate(clickhouse.url)
        console.print(
            f"[green]✓[/] migrations: {len(applied)} applied"
            if applied
            else "[green]✓[/] migrations: up to date"
        )
        if seed is not None:
            seed(clickhouse.url)
        if api_port is not None:
            running.append(_start_process(api_service(running[0].url, api_port), paths))
            if ui_port is not None:
                running.append(_start_process(ui_service(running[-1].url, ui_port), paths))
    except BaseException:
        if running:
            _write_state(paths, StackState(mode=mode, services=running))
            down(paths=paths, compose_file=compose_file, quiet=True)
        raise
    state = StackState(mode=mode, services=running)
    _write_state(paths, state)
    print_stack(state, f"Polo stack up ({mode}), state in {paths.home}")
    return state


def down(
    *,
    wipe: bool = False,
    paths: Paths | None = None,
    compose_file: Path | None = None,
    quiet: bool = False,
) -> bool:
    """Stop every service of the stack (last started, first stopped); keep data unless `wipe`.

    Returns whether anything was running.
    """
    paths = paths or Paths(home=polo_home())
    state = read_state(paths)
    was_running = False
    for service in reversed(state.services if state else []):
        if service.pid is None:
            result = _docker_compose(
                compose_file or Path(DEFAULT_COMPOSE_FILE).resolve(),
                "down",
                *(["--volumes"] if wipe else []),
                port=service.port,
            )
            was_running = True
            if result.returncode != 0 and not quiet:
                console.print(f"[red]docker compose down failed:[/] {result.stderr.strip()}")
            continue
        stopped = process.stop(service.pid)
        was_running = was_running or stopped
        freed = process.wait_port_free(service.port)
        if not quiet:
            note = "stopped" if stopped else "was not running"
            port_note = "" if freed else f", but port {service.port} is still in use"
            console.print(f"{service.name} (pid {service.pid}) {note}{port_note}")
    _clear_state(paths)
    if wipe:
        shutil.rmtree(paths.data_dir, ignore_errors=True)
        if not quiet:
            console.print(f"wiped {paths.data_dir}")
    elif not quiet and state is not None:
        console.print(f"data kept in {paths.data_dir} (polo-down --wipe deletes it)")
    if not quiet and state is None:
        console.print("the Polo stack is not running")
    return was_running


def status(paths: Paths | None = None) -> bool:
    paths = paths or Paths(home=polo_home())
    state = read_state(paths)
    if state is None:
        console.print(f"the Polo stack is not running (no {paths.state_file})")
        return False
    print_stack(state, f"Polo stack ({state.mode}), state in {paths.home}")
    return all(_service_up(s) for s in state.services)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m stack.stack", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    up_cmd = commands.add_parser("up", help="start the stack (idempotent)")
    up_cmd.add_argument("--clickhouse", choices=["embedded", "docker"], default="embedded")
    up_cmd.add_argument("--port", type=int, default=DEFAULT_PORT)
    up_cmd.add_argument("--compose-file", type=Path, default=None)
    up_cmd.add_argument("--api-port", type=int, default=DEFAULT_API_PORT)
    up_cmd.add_argument(
        "--no-api", dest="api", action="store_false", help="ClickHouse only, no API Worker"
    )
    up_cmd.add_argument("--ui-port", type=int, default=DEFAULT_UI_PORT)
    up_cmd.add_argument(
        "--no-ui", dest="ui", action="store_false", help="no web UI (Vite dev server)"
    )
    up_cmd.add_argument("--no-demo-data", dest="demo_data", action="store_false", help="never seed")
    down_cmd = commands.add_parser("down", help="stop the stack, keep data")
    down_cmd.add_argument("--wipe", action="store_true", help="also delete the local data")
    down_cmd.add_argument("--compose-file", type=Path, default=None)
    commands.add_parser("status", help="show what runs where")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "up":
            up(
                args.clickhouse,
                args.port,
                compose_file=args.compose_file,
                seed=(lambda url: seed_when_empty(url, report=console.print))
                if args.demo_data
                else None,
                api_port=args.api_port if args.api else None,
                ui_port=args.ui_port if args.api and args.ui else None,
            )
            return 0
        if args.command == "down":
            down(wipe=args.wipe, compose_file=args.compose_file)
            return 0
        return 0 if status() else 3
    except StackError as exc:
        console.print(f"[red]error:[/] {exc}", soft_wrap=True)
        return exc.exit_code
    except Exception as exc:
        console.print(f"[red]error:[/] {type(exc).__name__}: {exc}", soft_wrap=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
