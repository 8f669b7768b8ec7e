"""prod-sync between two real endpoints: one plays production (35 days of data in every
data-model table), the other is the local stack."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import clickhouse_connect
import pytest
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import DatabaseError

from chlocal.process import Endpoint
from prodsync import cli
from prodsync.checkpoint import CheckpointStore, run_key
from prodsync.conftest import migrate
from prodsync.sync import ChunkResult, SyncReport, connect_source, open_destination, sync
from prodsync.tables import DEFAULT_TABLES, TableSpec, select_tables

DAYS = 30


@pytest.fixture
def local_url(local: Endpoint) -> Iterator[str]:
    database = f"polo_{uuid.uuid4().hex[:10]}"
    url = f"{local.url}/{database}"
    migrate(url, database)
    yield url
    admin = clickhouse_connect.get_client(host="127.0.0.1", port=local.port)
    admin.command(f"DROP DATABASE IF EXISTS {database} SYNC")
    admin.close()


def window_state(client: Client, spec: TableSpec, start: date, end: date) -> tuple[int, int, int]:
    where = ""
    if spec.day_column is not None:
        where = f" WHERE {spec.day_expression} >= '{start}' AND {spec.day_expression} < '{end}'"
    return tuple(  # type: ignore[return-value]
        client.query(
            f"SELECT count(), sum(cityHash64(*)), groupBitXor(cityHash64(*)) "
            f"FROM {spec.name}{where}"
        ).result_rows[0]
    )


def whole_state(client: Client) -> dict[str, tuple[int, int, int]]:
    far = (date(1900, 1, 1), date(2299, 12, 31))
    return {
        spec.name: window_state(client, TableSpec(name=spec.name, day_column=None), *far)
        for spec in (*DEFAULT_TABLES, TableSpec(name="cost_by_owner_daily", day_column=None))
    }


def run_sync(
    production: Endpoint,
    local_url: str,
    start: date,
    end: date,
    checkpoint_path: Path,
    tables: list[TableSpec] | None = None,
    on_chunk: object = None,
) -> SyncReport:
    tables = tables or list(DEFAULT_TABLES)
    source_url = f"{production.url}/polo"
    store = CheckpointStore(
        checkpoint_path, run_key(source_url, local_url, [t.name for t in tables], start, end)
    )
    source = connect_source(source_url)
    destination = open_destination(local_url, force=False)
    try:
        return sync(source, destination, tables, start, end, store, on_chunk=on_chunk)  # type: ignore[arg-type]
    finally:
        source.close()
        destination.close()


def clients(production: Endpoint, local_url: str) -> tuple[Client, Client]:
    admin = clickhouse_connect.get_client(host="127.0.0.1", port=production.port, database="polo")
    database = local_url.rsplit("/", 1)[1]
    port = int(local_url.rsplit(":", 1)[1].split("/")[0])
    return admin, clickhouse_connect.get_client(host="127.0.0.1", port=port, database=database)


def test_window_copied_exactly_second_run_adds_nothing_source_unchanged(
    production: Endpoint, local_url: str, today: date, tmp_path: Path
) -> None:
    start, end = today - timedelta(days=DAYS - 1), today + timedelta(days=1)
    source, local = clients(production, local_url)
    before = whole_state(source)
    assert all(state[0] > 0 for state in before.values())

    first = run_sync(production, local_url, start, end, tmp_path / "cp.json")
    assert first.count("copied") == 15 * DAYS + 1
    # Month and month-to-date pairs exist only for a first of a month (a 30-day window can miss
    # one).
    has_first = any((start + timedelta(days=d)).day == 1 for d in range((end - start).days))
    for spec in DEFAULT_TABLES:
        assert window_state(local, spec, start, end) == window_state(source, spec, start, end)
        if spec.name not in ("cost_delta_months", "cost_delta_mtd") or has_first:
            assert window_state(local, spec, start, end)[0] > 0
    # Nothing outside the window came along (the source holds 35 days).
    assert (
        local.command(
            "SELECT count() FROM cost_daily WHERE charge_period_start < {s:Date}", {"s": start}
        )
        == 0
    )
    # The materialized view rebuilt the rollup from the copied rows, not twice.
    rollup = "SELECT sum(billed_cost) FROM cost_by_owner_daily WHERE charge_date >= {s:Date}"
    assert local.command(rollup, {"s": start}) == source.command(rollup, {"s": start})

    after_first = whole_state(local)
    second = run_sync(production, local_url, start, end, tmp_path / "cp.json")
    assert second.count("copied") == 0
    assert second.count("in-sync") == 15 * DAYS + 1
    assert whole_state(local) == after_first
    for spec in DEFAULT_TABLES:
        assert window_state(local, spec, start, end) == window_state(source, spec, start, end)
    assert local.command(rollup, {"s": start}) == source.command(rollup, {"s": start})

    assert whole_state(source) == before


def test_the_source_client_cannot_write(production: Endpoint) -> None:
    source = connect_source(f"{production.url}/polo")
    with pytest.raises(DatabaseError) as caught:
        source.command("CREATE TABLE polo.should_not_exist (a UInt8) ENGINE = Memory")
    assert caught.value.code == 164  # READONLY
    with pytest.raises(DatabaseError):
        source.command("INSERT INTO polo.cost_daily (account_id) VALUES ('x')")
    source.close()


def test_an_interrupted_run_resumes_where_it_stopped(
    production: Endpoint, local_url: str, today: date, tmp_path: Path
) -> None:
    start, end = today - timedelta(days=DAYS - 1), today + timedelta(days=1)
    tables = select_tables(["cost_daily", "resource_relationships"])
    checkpoint = tmp_path / "checkpoint.json"
    finished: list[ChunkResult] = []

    def interrupt_after_five(result: ChunkResult) -> None:
        finished.append(result)
        if len(finished) == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sync(production, local_url, start, end, checkpoint, tables, interrupt_after_five)
    assert checkpoint.exists()

    resumed = run_sync(production, local_url, start, end, checkpoint, tables)
    assert resumed.count("resumed") == 5
    assert resumed.count("copied") == DAYS + 1 - 5
    assert not checkpoint.exists()
    source, local = clients(production, local_url)
    for spec in tables:
        assert window_state(local, spec, start, end) == window_state(source, spec, start, end)


def test_local_drift_is_repaired_chunk_by_chunk(
    production: Endpoint, local_url: str, today: date, tmp_path: Path
) -> None:
    start, end = today - timedelta(days=2), today + timedelta(days=1)
    tables = select_tables(["cost_daily"])
    run_sync(production, local_url, start, end, tmp_path / "cp.json", tables)
    source, local = clients(production, local_url)
    local.command(
        "ALTER TABLE cost_daily DELETE WHERE charge_period_start = today()",
        settings={"mutations_sync": 2},
    )
    local.command(
        "INSERT INTO cost_daily (charge_period_start, account_id) VALUES (today() - 1, 'junk')"
    )
    repaired = run_sync(production, local_url, start, end, tmp_path / "cp.json", tables)
    assert repaired.count("copied") == 2
    assert repaired.count("in-sync") == 1
    spec = tables[0]
    assert window_state(local, spec, start, end) == window_state(source, spec, start, end)


def test_cli_end_to_end(
    production: Endpoint,
    local_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cli.console, "width", 200)
    code = cli.main(
        [
            "--days",
            "3",
            "--source-url",
            f"{production.url}/polo",
            "--dest-url",
            local_url,
            "--tables",
            "cost_daily,collector_runs",
            "--checkpoint",
            str(tmp_path / "cp.json"),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "6 chunks copied" in out
    assert "MB/s" in out


def test_a_day_of_many_blocks_is_copied_whole(
    production: Endpoint, local_url: str, today: date, tmp_path: Path
) -> None:
    # One table-day of 120 000 rows streams as many Native blocks, each compressed on its own:
    # every row arrives, and the fingerprints (count and hashes) agree.
    database = f"polo_big_{uuid.uuid4().hex[:8]}"
    migrate(f"{production.url}/{database}", database)
    source = clickhouse_connect.get_client(
        host="127.0.0.1", port=production.port, database=database
    )
    source.command(
        "INSERT INTO cost_daily (charge_period_start, account_id, service_name, usage_type, "
        "resource_id, billed_cost, effective_cost, consumed_quantity) "
        "SELECT {day:Date}, '123456789012', 'Amazon Elastic Compute Cloud - Compute', "
        "concat('BoxUsage:', toString(number % 50)), concat('i-', hex(number)), "
        "toDecimal128(number % 997, 6) / 100, toDecimal128(number % 997, 6) / 100, 24 "
        "FROM numbers(120000)",
        parameters={"day": today},
    )
    spec = next(s for s in DEFAULT_TABLES if s.name == "cost_daily")
    source_url = f"{production.url}/{database}"
    store = CheckpointStore(
        tmp_path / "cp.json", run_key(source_url, local_url, [spec.name], today, today)
    )
    reader = connect_source(source_url)
    writer = open_destination(local_url, force=False)
    try:
        report = sync(reader, writer, [spec], today, today + timedelta(days=1), store)
    finally:
        reader.close()
        writer.close()
    _, local = clients(production, local_url)
    window = (today, today + timedelta(days=1))

    assert report.count("copied") == 1
    assert window_state(local, spec, *window)[0] == 120_000
    assert window_state(local, spec, *window) == window_state(source, spec, *window)
    source.command(f"DROP DATABASE {database} SYNC")
