"""Fixtures for the attribution tests: a migrated database behind a `PoloClickHouse`."""

from __future__ import annotations

import pytest
from clickhouse_connect.driver.client import Client

from collectors.common.clickhouse_client import PoloClickHouse
from schema.migrate import apply_migrations


@pytest.fixture
def db(ch_client: Client) -> PoloClickHouse:
    """A fresh database with every Polo migration applied."""
    polo = PoloClickHouse(ch_client)
    apply_migrations(polo)
    return polo
