"""Two real endpoints in their own processes: one plays production, one is the local stack."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import clickhouse_connect
import pytest
from clickhouse_connect.driver.client import Client

from chlocal.process import Endpoint, running_endpoint
from clickhouse.client import connect
from prodsync.tables import DEFAULT_TABLES
from schema.migrate import apply_migrations

SOURCE_DAYS = 35
ROWS_PER_TABLE = 35 * 24


def migrate(url: str, database: str) -> None:
    with connect(url, database=database, create_database=True) as db:
        apply_migrations(db)


# command() returns TabSeparated text, where quotes arrive escaped as \'.
_CHECK_IN = re.compile(r"CHECK\s+`?(\w+)`?\s+IN\s+\(\s*\\?'([^'\\]*)\\?'")


def _allowed_values(client: Client, table: str) -> dict[str, str]:
    """A value satisfying each `CHECK col IN (...)` constraint of the table."""
    ddl = client.command(
        "SELECT create_table_query FROM system.tables "
        "WHERE database = currentDatabase() AND name = {t:String}",
        parameters={"t": table},
    )
    return {column: f"'{value}'" for column, value in _CHECK_IN.findall(str(ddl))}


def _fill(client: Client) -> None:
    """Random rows spread over the last SOURCE_DAYS days in every table prod-sync copies."""
    for seed, spec in enumerate(DEFAULT_TABLES, start=1):
        described = list(client.query(f"DESCRIBE TABLE {spec.name}").named_results())
        columns = [c for c in described if c["default_type"] not in ("MATERIALIZED", "ALIAS")]
        structure = ", ".join(f"{c['name']} {c['type']}" for c in columns).replace("'", "\\'")
        row = "rowNumberInAllBlocks()"
        exprs = []
        allowed = _allowed_values(client, spec.name)
        for column in columns:
            if column["name"] in allowed:
                exprs.append(allowed[column["name"]])
            elif column["name"] != spec.day_column:
                exprs.append(f"`{column['name']}`")
            elif spec.day_column_is_datetime:
                exprs.append(
                    f"toDateTime64(today() - ({row} % {SOURCE_DAYS}), 3, 'UTC') "
                    f"+ toIntervalSecond({row} % 86400)"
                )
            else:
                exprs.append(f"today() - ({row} % {SOURCE_DAYS})")
        client.command(
            f"INSERT INTO {spec.name} ({', '.join(c['name'] for c in columns)}) "
            f"SELECT {', '.join(exprs)} FROM generateRandom('{structure}', {seed}, 10, 2) "
            f"LIMIT {ROWS_PER_TABLE} "
            # Random values in a partition key column (cost_delta_mtd's compare_days) spread
            # one block over hundreds of partitions; the server refuses more than 100 by default.
            "SETTINGS max_partitions_per_insert_block = 0"
        )


@pytest.fixture(scope="session")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    with running_endpoint(tmp_path_factory.mktemp("production") / "clickhouse") as source:
        migrate(source.url, "polo")
        admin = clickhouse_connect.get_client(host="127.0.0.1", port=source.port, database="polo")
        _fill(admin)
        admin.close()
        yield source


@pytest.fixture(scope="session")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    with running_endpoint(tmp_path_factory.mktemp("local") / "clickhouse") as destination:
        yield destination


@pytest.fixture(scope="session")
def today(production: Endpoint) -> date:
    admin = clickhouse_connect.get_client(host="127.0.0.1", port=production.port)
    day = admin.command("SELECT today()")
    admin.close()
    return date.fromisoformat(str(day))
