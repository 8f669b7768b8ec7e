"""The migrations and the runner against a real ClickHouse engine (embedded chDB by default,
`POLO_CLICKHOUSE_URL` for a server), one fresh database per test."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import clickhouse_connect
import pytest
from clickhouse_connect.driver.client import Client

from clickhouse.client import PoloClickHouse
from schema.migrate import (
    DEFAULT_MIGRATIONS_DIR,
    MigrationFailedError,
    MigrationIntegrityError,
    apply_migrations,
    checksum,
    main,
    migration_status,
)
from schema.migration_lock import LOCK_TABLE, MigrationLock, MigrationLockedError

SHIPPED = sorted(DEFAULT_MIGRATIONS_DIR.glob("*.sql"))
N = len(SHIPPED)


@pytest.fixture
def new_client(ch_client: Client, ch_database: str) -> Callable[[], Client]:
    """Opens another client on the test database, as a second runner would."""

    def build() -> Client:
        url = os.environ.get("POLO_CLICKHOUSE_URL")
        if url:
            return clickhouse_connect.get_client(dsn=url, database=ch_database)
        return clickhouse_connect.get_client(dsn=f"chdb://{ch_client.path}", database=ch_database)

    return build


@pytest.fixture
def cli_target(ch_client: Client, ch_database: str) -> list[str]:
    """CLI arguments that point `main()` at the test database."""
    url = os.environ.get("POLO_CLICKHOUSE_URL") or f"chdb://{ch_client.path}"
    return ["--url", url, "--database", ch_database]


def copy_migrations(target: Path, count: int = len(SHIPPED)) -> Path:
    target.mkdir()
    for path in SHIPPED[:count]:
        shutil.copy(path, target / path.name)
    return target


def states(status_output: str) -> list[str]:
    """The state column of `--status` output, one entry per migration line."""
    return re.findall(r"^  \d{3}  \S+\s+(\w+)", status_output, flags=re.MULTILINE)


def tables(client: Client) -> set[str]:
    rows = client.query("SELECT name FROM system.tables WHERE database = currentDatabase()")
    return {name for (name,) in rows.result_rows}


def recorded(client: Client) -> list[tuple[int, str, str]]:
    rows = client.query("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
    return [tuple(row) for row in rows.result_rows]


def test_applies_every_migration_to_a_fresh_database_then_none(ch_client: Client) -> None:
    started = time.monotonic()
    applied = apply_migrations(ch_client)
    print(f"applied {len(applied)} migrations in {time.monotonic() - started:.2f} s")
    assert [m.version for m in applied] == list(range(1, N + 1))
    assert recorded(ch_client) == [
        (m.version, m.name, checksum(m.path.read_bytes())) for m in applied
    ]
    assert {
        "resource_events",
        "cost_daily",
        "lifecycle_events",
        "resource_relationships",
        "resource_snapshots",
        "resource_ancestry",
        "cost_attributed_daily",
        "cost_by_owner_daily",
        "cost_by_owner_daily_mv",
        "cost_delta_blocks",
        "cost_delta_blocks_source",
        "cost_delta_weeks",
        "cost_delta_weeks_source",
        "cost_delta_months",
        "cost_delta_months_source",
        "cost_delta_mtd",
        "cost_delta_mtd_source",
        "cost_delta_roots",
        "cost_delta_roots_source",
        "cost_delta_pair_resources",
        "cost_delta_pair_resources_source",
        "cost_delta_pair_moves",
        "cost_delta_pair_moves_source",
        "collector_runs",
        "resource_latest",
        "data_freshness",
        "cost_focus_line_items",
        "cost_focus_staging",
        "cost_daily_focus_staging",
        "focus_export_loads",
        "cost_allocations",
        "schema_migrations",
    } == tables(ch_client)

    assert apply_migrations(PoloClickHouse(ch_client)) == []
    assert len(recorded(ch_client)) == N


def test_dry_run_changes_nothing(ch_client: Client, tmp_path: Path) -> None:
    would = apply_migrations(ch_client, dry_run=True)
    assert [m.version for m in would] == list(range(1, N + 1))
    assert tables(ch_client) == set()

    apply_migrations(ch_client, [copy_migrations(tmp_path / "first3", 3)])
    before = tables(ch_client)
    would = apply_migrations(ch_client, dry_run=True)
    assert [m.version for m in would] == list(range(4, N + 1))
    assert tables(ch_client) == before
    assert len(recorded(ch_client)) == 3


def test_status_reports_applied_and_pending(ch_client: Client, tmp_path: Path) -> None:
    apply_migrations(ch_client, [copy_migrations(tmp_path / "first3", 3)])
    states = [(s.version, s.state) for s in migration_status(ch_client)]
    assert states == [(v, "applied" if v <= 3 else "pending") for v in range(1, N + 1)]
    assert all(s.applied_at is not None for s in migration_status(ch_client)[:3])


def test_cli_status_apply_rerun_and_dry_run(
    cli_target: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*cli_target, "--status"]) == 0
    out = capsys.readouterr().out
    assert "001  001_resource_events.sql" in out
    assert states(out) == ["pending"] * N
    assert f"{N} migrations: {N} pending" in out

    assert main([*cli_target, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"{N} of {N} migrations pending" in out and "would apply 012_cost_delta_weeks.sql" in out

    assert main(cli_target) == 0
    out = capsys.readouterr().out
    assert out.count("applied 0") == N  # one progress line per migration
    assert f"applied {N} migrations" in out

    assert main(cli_target) == 0
    assert f"up to date: all {N} migrations already applied" in capsys.readouterr().out

    assert main([*cli_target, "--status"]) == 0
    out = capsys.readouterr().out
    assert states(out) == ["applied"] * N and f"{N} migrations: {N} applied" in out


def test_cli_status_of_a_database_that_does_not_exist_yet(
    ch_client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    url = os.environ.get("POLO_CLICKHOUSE_URL") or f"chdb://{ch_client.path}"
    missing = "polo_test_never_created"
    assert main(["--url", url, "--database", missing, "--status"]) == 0
    assert "(database does not exist yet)" in capsys.readouterr().out
    assert main(["--url", url, "--database", missing, "--dry-run"]) == 0
    assert f"{N} of {N} migrations pending" in capsys.readouterr().out
    databases = ch_client.query("SELECT name FROM system.databases").result_rows
    assert (missing,) not in databases


def test_cli_creates_the_database(ch_client: Client, capsys: pytest.CaptureFixture[str]) -> None:
    url = os.environ.get("POLO_CLICKHOUSE_URL") or f"chdb://{ch_client.path}"
    fresh = f"{ch_client.database}_created"
    try:
        assert main(["--url", url, "--database", fresh]) == 0
        count = ch_client.command(f"SELECT count() FROM {fresh}.schema_migrations")
        assert count == N
    finally:
        ch_client.command(f"DROP DATABASE IF EXISTS {fresh} SYNC")
    assert f"applied {N} migrations" in capsys.readouterr().out


def test_unreachable_server_fails_fast_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The port is closed again: nothing listens there.
    started = time.monotonic()
    code = main(["--url", f"http://default:secret@127.0.0.1:{port}/polo"])
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == 3
    assert elapsed < 10
    assert err.count("\n") == 1
    assert "cannot reach ClickHouse: Connection refused" in err
    assert "secret" not in err


def test_edited_migration_is_refused(ch_client: Client, tmp_path: Path) -> None:
    migrations = copy_migrations(tmp_path / "m")
    apply_migrations(ch_client, [migrations])
    edited = migrations / "003_lifecycle_events.sql"
    old = checksum(edited.read_bytes())
    edited.write_text(edited.read_text() + "\n-- an innocent-looking edit\n")
    with pytest.raises(MigrationIntegrityError) as error:
        apply_migrations(ch_client, [migrations])
    message = str(error.value)
    assert str(edited) in message
    assert old in message and checksum(edited.read_bytes()) in message
    assert [s.state for s in migration_status(ch_client, [migrations])].count("changed") == 1
    assert LOCK_TABLE not in tables(ch_client)  # refusing released the lock


def test_missing_migration_is_refused(
    ch_client: Client, tmp_path: Path, cli_target: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    migrations = copy_migrations(tmp_path / "m")
    apply_migrations(ch_client, [migrations])
    last = SHIPPED[-1].name
    (migrations / last).unlink()
    with pytest.raises(
        MigrationIntegrityError,
        match=rf"{re.escape(last)}\) was applied but its file is missing",
    ):
        apply_migrations(ch_client, [migrations])
    assert main([*cli_target, "--migrations-dir", str(migrations), "--status"]) == 5
    captured = capsys.readouterr()
    assert f"{last[:3]}  {last}" in captured.out and "missing" in captured.out
    assert captured.err.startswith(f"migrate: error: migration {last[:3]} ({last}) was applied")


def test_syntax_error_names_file_and_statement_and_records_nothing_of_it(
    ch_client: Client, tmp_path: Path, cli_target: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    migrations = copy_migrations(tmp_path / "m", 2)
    broken = migrations / "003_broken.sql"
    broken.write_text(
        "-- creates one table, then fails\n"
        "CREATE TABLE IF NOT EXISTS fine (x UInt8) ENGINE = Memory;\n"
        "\n"
        "CREATE TABLEE oops (x UInt8)\nENGINE = Memory;\n"
    )
    with pytest.raises(MigrationFailedError) as error:
        apply_migrations(ch_client, [migrations])
    message = str(error.value)
    assert str(broken) in message
    assert "statement 2 of 2 (line 4: 'CREATE TABLEE oops (x UInt8)')" in message
    assert "SYNTAX_ERROR" in message or "Syntax error" in message
    assert [v for v, _, _ in recorded(ch_client)] == [1, 2]
    assert LOCK_TABLE not in tables(ch_client)

    assert main([*cli_target, "--migrations-dir", str(migrations)]) == 6
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "003_broken.sql: statement 2 of 2" in err

    # Fixed, the migration re-runs from its first statement, which is idempotent.
    broken.write_text(broken.read_text().replace("TABLEE", "TABLE"))
    assert [m.version for m in apply_migrations(ch_client, [migrations])] == [3]
    assert {"fine", "oops"} <= tables(ch_client)


def test_second_runner_waits_for_the_lock_and_refuses_naming_the_holder(
    ch_client: Client,
    new_client: Callable[[], Client],
    cli_target: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    with MigrationLock(PoloClickHouse(new_client())) as held:
        started = time.monotonic()
        with pytest.raises(MigrationLockedError) as error:
            apply_migrations(ch_client, lock_wait_seconds=0.5)
        assert time.monotonic() - started >= 0.5
        assert held.holder.owner in str(error.value)
        assert f"DROP TABLE {ch_client.database}.{LOCK_TABLE}" in str(error.value)

        assert main([*cli_target, "--lock-wait", "0.2"]) == 4
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and held.holder.owner in err
    assert "schema_migrations" not in tables(ch_client) or recorded(ch_client) == []
    assert len(apply_migrations(ch_client)) == N


def test_concurrent_runners_apply_each_migration_once(
    new_client: Callable[[], Client], ch_client: Client
) -> None:
    clients = [new_client() for _ in range(2)]
    start = threading.Barrier(len(clients))
    results: dict[int, list[int] | BaseException] = {}

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = [
                m.version for m in apply_migrations(clients[index], lock_wait_seconds=30)
            ]
        except BaseException as error:  # surfaced by the assertion below
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results.values(), key=len) == [[], list(range(1, N + 1))]
    assert [v for v, _, _ in recorded(ch_client)] == list(range(1, N + 1))
