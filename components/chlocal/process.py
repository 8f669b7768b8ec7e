"""Background processes: spawn detached, wait for health, stop, free ports; the endpoint itself
in its own process (`running_endpoint`).

Used by the local stack (`stack.stack` starts every service this way) and by the tests that need
real endpoints in other processes (chDB opens a data directory in one process only, so every
extra endpoint is its own process).
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

LOG_TAIL_LINES = 25


class StartupError(RuntimeError):
    """A service did not become healthy; the message carries its log tail."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def child_python_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a Python child that must import what this process imports.

    Pants runs entry points from sandboxes and PEXes; handing the child this process's
    `sys.path` makes `python -m chlocal.server` resolve the same code and libraries.
    """
    env = dict(os.environ)
    paths = [p for p in sys.path if p and Path(p).exists()]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["PYTHONUNBUFFERED"] = "1"
    if extra:
        env.update(extra)
    return env


def spawn(
    command: Sequence[str],
    *,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> int:
    """Start `command` detached from this terminal (own session), output to `log_path`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
        )
    return process.pid


def pid_alive(pid: int) -> bool:
    """True while `pid` runs; reaps it first when it is our exited child (no zombies)."""
    if pid <= 0:
        return False
    try:
        reaped, _status = os.waitpid(pid, os.WNOHANG)
        if reaped == pid:
            return False
    except ChildProcessError:
        pass  # not our child: the kill probe below decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log written)"
    tail = text.splitlines()[-lines:]
    return "\n".join(tail) if tail else "(log is empty)"


def healthy(url: str, timeout_s: float = 1.0) -> bool:
    try:
        return httpx.get(url, timeout=timeout_s).status_code == 200
    except httpx.HTTPError:
        return False


def wait_healthy(
    name: str, health_url: str, *, pid: int, log_path: Path, timeout_s: float
) -> float:
    """Wait until `health_url` answers 200; returns the seconds it took.

    Fails fast when the process exits, and after `timeout_s` otherwise, with the log tail.
    """
    started = time.monotonic()
    while True:
        if healthy(health_url):
            return time.monotonic() - started
        if not pid_alive(pid):
            raise StartupError(
                f"{name} exited during startup (log: {log_path}):\n{log_tail(log_path)}"
            )
        if time.monotonic() - started > timeout_s:
            raise StartupError(
                f"{name} did not answer {health_url} within {timeout_s:.0f}s "
                f"(pid {pid}, log: {log_path}):\n{log_tail(log_path)}"
            )
        time.sleep(0.1)


def stop(pid: int, *, timeout_s: float = 30.0) -> bool:
    """SIGTERM `pid` and wait; SIGKILL after `timeout_s`. Returns False if it was not running."""
    if not pid_alive(pid):
        return False
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError as exc:
        if exc.errno != errno.ESRCH:
            raise
    while pid_alive(pid):
        time.sleep(0.05)
    return True


def wait_port_free(port: int, *, timeout_s: float = 10.0, host: str = "127.0.0.1") -> bool:
    deadline = time.monotonic() + timeout_s
    while port_in_use(port, host):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@dataclass(frozen=True)
class Endpoint:
    """A chlocal server running in its own process."""

    url: str
    port: int
    pid: int
    data_dir: Path
    log_path: Path


@contextmanager
def running_endpoint(
    data_dir: Path,
    *,
    port: int | None = None,
    extra_args: Sequence[str] = (),
    startup_timeout_s: float = 60.0,
) -> Iterator[Endpoint]:
    """Run `python -m chlocal.server` on `data_dir` for the duration of the block."""
    port = port or free_port()
    log_path = data_dir.parent / f"chlocal-{port}.log"
    command = [
        sys.executable,
        "-m",
        "chlocal.server",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        "--log-level",
        "warning",
        *extra_args,
    ]
    pid = spawn(command, log_path=log_path, env=child_python_env())
    try:
        wait_healthy(
            "chlocal",
            f"http://127.0.0.1:{port}/ping",
            pid=pid,
            log_path=log_path,
            timeout_s=startup_timeout_s,
        )
        yield Endpoint(f"http://127.0.0.1:{port}", port, pid, data_dir, log_path)
    finally:
        stop(pid)
