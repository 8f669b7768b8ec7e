"""The Docker Compose file is valid enough to start the ClickHouse Polo expects.

`docker compose config` validates it fully where Docker exists; this test checks what Polo
relies on without Docker: a pinned image, a health check, the port and Polo's credentials.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from chlocal import auth


def _compose() -> dict[str, Any]:
    for directory in Path(__file__).resolve().parents:
        candidate = directory / "docker-compose.yml"
        if candidate.is_file():
            loaded = yaml.safe_load(candidate.read_text())
            assert isinstance(loaded, dict)
            return loaded
    raise AssertionError("docker-compose.yml not found above this test")


def test_clickhouse_image_is_pinned_to_a_release() -> None:
    image = _compose()["services"]["clickhouse"]["image"]
    name, _, tag = image.partition(":")
    assert name == "clickhouse/clickhouse-server"
    assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", tag), f"{image} is not pinned to a release"


def test_health_check_pings_the_http_interface() -> None:
    check = _compose()["services"]["clickhouse"]["healthcheck"]
    assert "http://127.0.0.1:8123/ping" in " ".join(check["test"])
    assert check["retries"] >= 10


def test_port_8123_on_loopback_and_data_in_a_named_volume() -> None:
    compose = _compose()
    service = compose["services"]["clickhouse"]
    assert service["ports"] == ["127.0.0.1:${POLO_CLICKHOUSE_PORT:-8123}:8123"]
    volume, _, mount = service["volumes"][0].partition(":")
    assert mount == "/var/lib/clickhouse"
    assert volume in compose["volumes"]


def test_credentials_match_polo_defaults() -> None:
    env = _compose()["services"]["clickhouse"]["environment"]
    assert env["CLICKHOUSE_USER"] == auth.DEFAULT_USER
    assert env["CLICKHOUSE_PASSWORD"] == auth.DEFAULT_PASSWORD
    assert env["CLICKHOUSE_DB"] == "polo"


def _compose_cli_available() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not _compose_cli_available(), reason="needs the docker compose CLI")
def test_docker_compose_accepts_the_file() -> None:
    compose_file = next(
        d / "docker-compose.yml"
        for d in Path(__file__).resolve().parents
        if (d / "docker-compose.yml").is_file()
    )
    result = subprocess.run(
        ["docker", "compose", "-f", str(compose_file), "config", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
