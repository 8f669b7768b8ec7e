from __future__ import annotations

import sys
from pathlib import Path

from chlocal import auth
from stack.clickhouse_service import CLICKHOUSE, clickhouse_service


def test_embedded_runs_the_endpoint_on_loopback_on_the_data_directory() -> None:
    service = clickhouse_service("embedded", Path("/data/clickhouse"), 8123)
    assert service.name == CLICKHOUSE
    assert service.command is not None
    assert service.command[:3] == [sys.executable, "-m", "chlocal.server"]
    assert ["--host", "127.0.0.1"] == service.command[3:5]
    assert ["--data-dir", "/data/clickhouse"] == service.command[-2:]
    assert service.url == "http://127.0.0.1:8123"
    assert service.health_url == "http://127.0.0.1:8123/ping"


def test_docker_is_run_by_compose_and_reached_with_polos_credentials() -> None:
    service = clickhouse_service("docker", Path("/unused"), 8124)
    assert service.command is None
    assert service.url == f"http://{auth.DEFAULT_USER}:{auth.DEFAULT_PASSWORD}@127.0.0.1:8124"
    assert service.health_url == "http://127.0.0.1:8124/ping"
