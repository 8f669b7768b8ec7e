"""Fixtures for the stack's integration tests: a real endpoint in its own process.

chDB opens one data directory per process, and the test process may already host the shared
embedded engine (components/conftest.py), so the endpoint is a subprocess.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import clickhouse_connect
import pytest

from chlocal.process import Endpoint, running_endpoint


@pytest.fixture(scope="session")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    with running_endpoint(tmp_path_factory.mktemp("chlocal") / "clickhouse") as running:
        yield running


@pytest.fixture
def fresh_database(endpoint: Endpoint) -> Iterator[str]:
    """A new empty database on the shared endpoint; dropped afterwards."""
    admin = clickhouse_connect.get_client(host="127.0.0.1", port=endpoint.port)
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin.command(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        admin.command(f"DROP DATABASE IF EXISTS {name} SYNC")
        admin.close()
