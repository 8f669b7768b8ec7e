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

from chlocal.process import running_endpoint, stop
from clickhouse.client import (
    DEFAULT_BATCH_SIZE,
    ClickHouseQueryError,
    ClickHouseUnavailable,
    PoloClickHouse,
    connect,
)
from collectors.common.models import ResourceEvent, UtcDatetime, _Row
from schema.migrate import apply_migrations


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


class LedgerRow(_Row):
    id: int
    at: UtcDatetime
    amount: Decimal


class FloatRow(_Row):
    id: int
    amount: float


def ledger_rows(count: int, start: int = 0) -> Iterator[LedgerRow]:
    at = datetime(2026, 11, 2, 10, 0, 0, 123000, tzinfo=UTC)
    for n in range(start, start + count):
        yield LedgerRow(id=n, at=at, amount=Decimal(n) + Decimal("0.000001"))


def test_insert_models_streams_a_generator_in_batches_with_exact_values(
    db: PoloClickHouse,
) -> None:
    assert db.insert_models("ledger", ledger_rows(25), batch_size=7) == 25
    rows = db.query("all", "SELECT id, at, amount FROM ledger ORDER BY id").result_rows
    assert rows == [(row.id, row.at, row.amount) for row in ledger_rows(25)]
    (total,) = db.query("sum", "SELECT sum(amount) FROM ledger").result_rows[0]
    assert total == sum(range(25)) + Decimal("0.000025")


def test_insert_models_round_trips_events_with_unicode_and_limit_size_tags(
    db: PoloClickHouse,
) -> None:
    apply_migrations(db.client)
    events = [
        ResourceEvent(
            event_time=datetime(2026, 11, 2, 10, 0, 0, 999000, tzinfo=UTC),
            ingested_at=datetime(2026, 11, 2, 10, 0, 1, tzinfo=UTC),
            event_type="observed",
            account_id="111111111111",
            region="eu-west-1",
            resource_type="ec2:instance",
            resource_id=f"i-{n:017x}",
            arn=f"arn:aws:ec2:eu-west-1:111111111111:instance/i-{n:017x}",
            tags={"Kunde": "Zürich ☃", "Note": "v" * 256, 'Quote"\\': "a\nb"} if n else {},
            attributes={} if n else {"empty_tags": "true"},
            source="config_ec2",
        )
        for n in range(3)
    ]
    assert db.insert_models("resource_events", events) == 3
    names = ResourceEvent.column_names()
    back = db.query("all", f"SELECT {', '.join(names)} FROM resource_events ORDER BY resource_id")
    assert [ResourceEvent(**dict(zip(names, row, strict=True))) for row in back.result_rows] == (
        events
    )


def test_insert_models_names_the_rows_a_rejected_later_batch_left_behind(
    db: PoloClickHouse,
) -> None:
    def rows() -> Iterator[LedgerRow]:
        yield from ledger_rows(4)
        # Bypasses validation, as a bug upstream would: ClickHouse refuses the value.
        yield LedgerRow.model_construct(id=-1, at=datetime(2026, 1, 1, tzinfo=UTC), amount=1)

    with pytest.raises(ClickHouseQueryError, match=r"insert:ledger: .*4 rows were inserted before"):
        db.insert_models("ledger", rows(), batch_size=4)
    assert db.query("count", "SELECT count() FROM ledger").result_rows == [(4,)]


def test_insert_models_refuses_a_model_with_float_fields_before_sending(
    db: PoloClickHouse,
) -> None:
    with pytest.raises(ValueError, match=r"FloatRow has float fields \['amount'\].*Decimal"):
        db.insert_models("ledger", [FloatRow(id=1, amount=0.1)])
    assert db.query("count", "SELECT count() FROM ledger").result_rows == [(0,)]


def test_insert_models_refuses_a_batch_mixing_models(db: PoloClickHouse) -> None:
    class OtherRow(_Row):
        id: int

    mixed = [*ledger_rows(2), OtherRow(id=9)]
    with pytest.raises(TypeError, match="insert:ledger: insert_models needs rows of one model"):
        db.insert_models("ledger", mixed)
    assert db.query("count", "SELECT count() FROM ledger").result_rows == [(0,)]


def test_insert_models_keeps_what_was_written_when_the_source_fails_midway(
    db: PoloClickHouse,
) -> None:
    def rows() -> Iterator[LedgerRow]:
        yield from ledger_rows(6)
        raise RuntimeError("DescribeInstances page 2 failed")

    with pytest.raises(RuntimeError, match="page 2 failed"):
        db.insert_models("ledger", rows(), batch_size=3)
    # Both full batches were handed over before the source failed: written, not abandoned.
    assert db.query("count", "SELECT count() FROM ledger").result_rows == [(6,)]


def test_insert_models_reports_a_database_that_goes_down_midway_and_loses_nothing_sent(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "clickhouse"
    with running_endpoint(data_dir) as server, connect(server.url, create_database=True) as db:
        db.command(
            "create_ledger",
            "CREATE TABLE ledger (id UInt32, at DateTime64(3, 'UTC'), amount Decimal(18, 6)) "
            "ENGINE = MergeTree ORDER BY id",
        )

        def rows() -> Iterator[LedgerRow]:
            yield from ledger_rows(3)
            # The server stops (gracefully: the batch in flight completes) before the next one.
            stop(server.pid)
            yield from ledger_rows(3, start=3)

        with pytest.raises(
            ClickHouseUnavailable, match=r"insert:ledger: .*3 rows were inserted before this batch"
        ):
            db.insert_models("ledger", rows(), batch_size=3)
    with running_endpoint(data_dir) as again, connect(again.url) as db:
        assert db.query("ids", "SELECT id FROM ledger ORDER BY id").result_rows == [
            (0,),
            (1,),
            (2,),
        ]
