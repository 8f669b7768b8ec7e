"""`connect()` and `PoloClickHouse` against a real engine (embedded chDB, or the server named by
`POLO_CLICKHOUSE_URL`), plus a real refused connection on a closed loopback port."""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client

from collectors.common.clickhouse_client import (
    DEFAULT_BATCH_SIZE,
    ClickHouseQueryError,
    ClickHouseUnavailable,
    PoloClickHouse,
    connect,
)


@pytest.fixture
def url(ch_client: Client) -> str:
    return os.environ.get("POLO_CLICKHOUSE_URL") or f"chdb://{ch_client.path}"


@pytest.fixture
def db(url: str, ch_database: str) -> Iterator[PoloClickHouse]:
    with connect(url, database=ch_database) as polo:
        polo.command(
            "create_ledger",
            "CREATE TABLE ledger (id UInt32, at DateTime64(3, 'UTC'), amount Decimal(18, 6)) "
            "ENGINE = MergeTree ORDER BY id",
        )
        yield polo


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_connects_to_the_named_database_and_binds_parameters_on_the_server(
    db: PoloClickHouse, ch_database: str
) -> None:
    result = db.query(
        "echo",
        "SELECT currentDatabase() AS db, {amount:Decimal(18, 6)} AS amount, {who:String} AS who",
        {"amount": Decimal("123456789012.000001"), "who": "o'brien; DROP TABLE ledger"},
    )
    assert list(result.named_results()) == [
        {
            "db": ch_database,
            "amount": Decimal("123456789012.000001"),
            "who": "o'brien; DROP TABLE ledger",
        }
    ]


def test_batched_insert_keeps_decimals_exact(db: PoloClickHouse) -> None:
    sent: list[int] = []
    insert = db.client.insert

    def counting_insert(*args: Any, **kwargs: Any) -> Any:
        sent.append(len(args[1]))
        return insert(*args, **kwargs)

    db.client.insert = counting_insert  # type: ignore[method-assign]
    at = datetime(2026, 3, 1, 12, 0, 0, 123000, tzinfo=UTC)
    rows = [
        {"id": i, "at": at, "amount": Decimal("0.000001") * i + Decimal("0.1")} for i in range(2500)
    ]
    assert db.insert_rows("ledger", rows) == 2500
    assert sent == [DEFAULT_BATCH_SIZE, DEFAULT_BATCH_SIZE, 500]

    (total, first_at) = db.query("sum", "SELECT sum(amount), min(at) FROM ledger").result_rows[0]
    assert total == sum(row["amount"] for row in rows)
    # Times come back timezone-aware, in UTC, as they were sent.
    assert first_at == at and first_at.tzinfo is not None


def test_bad_sql_raises_a_query_error_with_the_name_and_no_retry(db: PoloClickHouse) -> None:
    started = time.monotonic()
    with pytest.raises(ClickHouseQueryError) as error:
        db.query("costs_by_customer", "SELEC amount FROM ledger")
    assert time.monotonic() - started < 0.2  # no backoff happened
    assert error.value.code == 62
    assert str(error.value).startswith("costs_by_customer: Code: 62.")
    assert "\n" not in str(error.value)

    with pytest.raises(ClickHouseQueryError, match=r"^freshness: .*UNKNOWN_TABLE"):
        db.query("freshness", "SELECT * FROM no_such_table")


def test_value_that_does_not_fit_its_column_is_a_query_error(db: PoloClickHouse) -> None:
    rows = [{"id": i, "at": datetime.now(UTC), "amount": Decimal(1)} for i in range(3)]
    rows.append({"id": 3, "at": datetime.now(UTC), "amount": "a lot"})
    with pytest.raises(ClickHouseQueryError, match=r"insert:ledger: .*2 rows were inserted before"):
        db.insert_rows("ledger", rows, batch_size=2)
    assert db.query("count", "SELECT count() FROM ledger").result_rows == [(2,)]


def test_float_money_is_refused_before_anything_is_sent(db: PoloClickHouse) -> None:
    rows = [
        {"id": 1, "at": datetime.now(UTC), "amount": Decimal("1.10")},
        {"id": 2, "at": datetime.now(UTC), "amount": 1.1},
    ]
    with pytest.raises(ValueError, match=r"row 1 has float values in \['amount'\]"):
        db.insert_rows("ledger", rows)
    assert db.query("count", "SELECT count() FROM ledger").result_rows == [(0,)]


def test_missing_database_is_a_clear_error_and_can_be_created(url: str, ch_client: Client) -> None:
    name = f"polo_test_{uuid.uuid4().hex[:12]}"
    with pytest.raises(ClickHouseQueryError, match=rf"database '{name}' does not exist"):
        connect(url, database=name)
    try:
        with connect(url, database=name, create_database=True) as created:
            assert created.query("db", "SELECT currentDatabase()").result_rows == [(name,)]
    finally:
        ch_client.command(f"DROP DATABASE IF EXISTS {name} SYNC")


def test_closed_port_is_unavailable_within_seconds() -> None:
    started = time.monotonic()
    with pytest.raises(ClickHouseUnavailable) as error:
        connect(f"http://default:hunter2@127.0.0.1:{closed_port()}/polo")
    assert time.monotonic() - started < 10
    message = str(error.value)
    assert message.endswith("cannot reach ClickHouse: Connection refused")
    assert "hunter2" not in message and "***" in message


@pytest.mark.skipif(
    bool(os.environ.get("POLO_CLICKHOUSE_URL")), reason="needs this process's embedded engine"
)
def test_second_embedded_directory_is_a_clear_error(ch_client: Client, tmp_path: Path) -> None:
    # ch_client has this process's chDB engine open on another directory.
    with pytest.raises(ClickHouseUnavailable) as error:
        connect(f"chdb://{tmp_path}")
    assert f"cannot open the embedded ClickHouse in {tmp_path}" in str(error.value)
    assert ch_client.command("SELECT 1") == 1  # the open engine is unharmed
