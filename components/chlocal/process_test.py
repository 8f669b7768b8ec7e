from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

import pytest

from chlocal import process


def wait_for_line(log: Path, text: str) -> None:
    deadline = time.monotonic() + 10
    while text not in (log.read_text() if log.exists() else ""):
        assert time.monotonic() < deadline, f"{text!r} never appeared in {log}"
        time.sleep(0.02)


def test_spawned_process_is_detached_logged_and_stopped(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "svc.log"
    code = "import time; print('hello from child', flush=True); time.sleep(60)"
    pid = process.spawn([sys.executable, "-c", code], log_path=log)
    wait_for_line(log, "hello from child")
    assert process.pid_alive(pid)
    assert os.getsid(pid) == pid  # own session: a Ctrl-C in the caller's terminal spares it
    assert process.stop(pid, timeout_s=5)
    assert not process.pid_alive(pid)
    assert not process.stop(pid)


def test_stop_escalates_to_sigkill_when_sigterm_is_ignored(tmp_path: Path) -> None:
    code = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "print('ready', flush=True); time.sleep(60)"
    )
    log = tmp_path / "stubborn.log"
    pid = process.spawn([sys.executable, "-c", code], log_path=log)
    wait_for_line(log, "ready")
    assert process.stop(pid, timeout_s=0.3)
    assert not process.pid_alive(pid)


def test_startup_failure_reports_the_log_tail(tmp_path: Path) -> None:
    log = tmp_path / "crash.log"
    code = "import sys; print('port already taken, giving up'); sys.exit(3)"
    pid = process.spawn([sys.executable, "-c", code], log_path=log)
    with pytest.raises(process.StartupError, match="port already taken") as caught:
        process.wait_healthy(
            "svc",
            f"http://127.0.0.1:{process.free_port()}/ping",
            pid=pid,
            log_path=log,
            timeout_s=10,
        )
    assert "exited during startup" in str(caught.value)


def test_startup_timeout_names_the_url(tmp_path: Path) -> None:
    log = tmp_path / "slow.log"
    pid = process.spawn([sys.executable, "-c", "import time; time.sleep(60)"], log_path=log)
    try:
        with pytest.raises(process.StartupError, match="did not answer"):
            process.wait_healthy(
                "svc",
                f"http://127.0.0.1:{process.free_port()}/ping",
                pid=pid,
                log_path=log,
                timeout_s=0.3,
            )
    finally:
        process.stop(pid)


def test_port_checks() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert process.port_in_use(port)
        assert not process.wait_port_free(port, timeout_s=0.1)
    assert process.wait_port_free(port, timeout_s=1)


def test_log_tail_limits_lines(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    log.write_text("\n".join(f"line {i}" for i in range(100)))
    assert process.log_tail(log, lines=2) == "line 98\nline 99"
    assert process.log_tail(tmp_path / "missing.log") == "(no log written)"


def test_child_env_carries_this_interpreters_path() -> None:
    env = process.child_python_env({"EXTRA": "1"})
    assert str(Path(process.__file__).resolve().parent.parent) in env["PYTHONPATH"].split(":")
    assert env["EXTRA"] == "1"
