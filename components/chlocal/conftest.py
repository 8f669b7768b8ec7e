"""Fixtures for chlocal's integration tests: real endpoints in their own processes.

chDB opens one data directory per process, and the test process may already host the shared
embedded engine (components/conftest.py), so every endpoint here is a subprocess.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import clickhouse_connect
import pytest
from clickhouse_connect.driver.client import Client

from chlocal.process import Endpoint, running_endpoint


@pytest.fixture(scope="session")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    """One shared endpoint for the session, anonymous access allowed (loopback default)."""
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


@pytest.fixture
def client(endpoint: Endpoint, fresh_database: str) -> Iterator[Client]:
    """The official clickhouse-connect HTTP client, default database = a fresh one."""
    connected = clickhouse_connect.get_client(
        host="127.0.0.1", port=endpoint.port, database=fresh_database
    )
    try:
        yield connected
    finally:
        connected.close()
