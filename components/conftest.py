"""Shared pytest fixtures for every component.

chDB can open one data directory per process, so tests share one embedded engine per test
process and isolate themselves with a fresh database each. `POLO_CLICKHOUSE_URL` points the same
fixtures at a real ClickHouse server instead.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator

import clickhouse_connect
import pytest
from clickhouse_connect.driver.client import Client

_ENGINE_DIR = tempfile.mkdtemp(prefix="polo-test-chdb-")


def _admin_client() -> Client:
    url = os.environ.get("POLO_CLICKHOUSE_URL")
    if url:
        return clickhouse_connect.get_client(dsn=url)
    return clickhouse_connect.get_client(dsn=f"chdb://{_ENGINE_DIR}")


@pytest.fixture
def ch_database() -> Iterator[str]:
    """A fresh, empty database name; dropped after the test."""
    admin = _admin_client()
    name = f"polo_test_{uuid.uuid4().hex[:12]}"
    admin.command(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        admin.command(f"DROP DATABASE IF EXISTS {name} SYNC")


@pytest.fixture
def ch_client(ch_database: str) -> Client:
    """A clickhouse-connect client whose default database is a fresh, empty one."""
    url = os.environ.get("POLO_CLICKHOUSE_URL")
    if url:
        return clickhouse_connect.get_client(dsn=url, database=ch_database)
    return clickhouse_connect.get_client(dsn=f"chdb://{_ENGINE_DIR}", database=ch_database)
