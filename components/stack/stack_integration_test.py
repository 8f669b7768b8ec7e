"""`polo-up` / `polo-down` behaviour: the stack manager against real background endpoints."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from chlocal import process
from clickhouse.client import resolve_url
from schema.migrate import DEFAULT_MIGRATIONS_DIR
from stack import stack


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> stack.Paths:
    monkeypatch.setenv("POLO_HOME", str(tmp_path / ".polo"))
    monkeypatch.delenv("POLO_CLICKHOUSE_URL", raising=False)
    return stack.Paths(home=tmp_path / ".polo")


def query(url: str, sql: str) -> str:
    response = httpx.post(url, content=sql)
    assert response.status_code == 200, response.text
    return response.text


def test_up_is_idempotent_down_frees_the_port_and_data_survives(paths: stack.Paths) -> None:
    port = process.free_port()
    state = stack.up("embedded", port, paths=paths)
    url = f"http://127.0.0.1:{port}"
    try:
        announced = json.loads(paths.endpoint_file.read_text())
        clickhouse = state.services[0]
        assert announced["url"] == url
        assert announced["pid"] == clickhouse.pid
        assert announced["port"] == port
        assert announced["started_at"]
        assert resolve_url() == url  # every Polo command now finds the endpoint
        assert query(url, "SELECT version()").startswith("26.")
        migrations = len(list(DEFAULT_MIGRATIONS_DIR.glob("*.sql")))
        assert query(url, "SELECT count() FROM polo.schema_migrations") == f"{migrations}\n"
        query(url, "CREATE TABLE polo.kept (a UInt8) ENGINE = MergeTree ORDER BY a")
        query(url, "INSERT INTO polo.kept VALUES (7)")

        again = stack.up("embedded", port, paths=paths)
        assert again.services[0].pid == clickhouse.pid
        assert stack.status(paths)
    finally:
        assert stack.down(paths=paths)
    assert not process.pid_alive(clickhouse.pid)
    assert not process.port_in_use(port)
    assert not paths.endpoint_file.exists()
    assert resolve_url() == f"chdb://{paths.data_dir}"
    assert not stack.status(paths)

    stack.up("embedded", port, paths=paths)
    try:
        assert query(url, "SELECT a FROM polo.kept") == "7\n"
    finally:
        stack.down(paths=paths, wipe=True)
    assert not paths.data_dir.exists()


def test_down_when_nothing_runs_is_harmless(paths: stack.Paths) -> None:
    assert not stack.down(paths=paths)
    assert stack.main(["down"]) == 0


def test_a_port_taken_by_someone_else_is_reported(paths: stack.Paths) -> None:
    with process.running_endpoint(paths.home / "other") as foreign:
        taken = f"port {foreign.port} is already in use"
        with pytest.raises(stack.StackError, match=taken):
            stack.up("embedded", foreign.port, paths=paths)
    assert not paths.endpoint_file.exists()


def test_a_server_that_cannot_start_shows_its_log(paths: stack.Paths) -> None:
    paths.home.mkdir(parents=True)
    paths.data_dir.write_text("a file where the data directory should be")
    with pytest.raises(stack.StackError, match="exited during startup") as caught:
        stack.up("embedded", process.free_port(), paths=paths)
    assert "FileExistsError" in str(caught.value)  # the server's own log tail
    assert not paths.state_file.exists()


def test_docker_mode_without_docker_fails_in_one_line(
    paths: stack.Paths, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(paths.home))  # no docker executable on PATH
    monkeypatch.setattr(stack.console, "width", 400)
    assert stack.main(["up", "--clickhouse", "docker"]) == 2
    out = capsys.readouterr().out.strip()
    assert len(out.splitlines()) == 1
    assert "docker CLI is not installed" in out
