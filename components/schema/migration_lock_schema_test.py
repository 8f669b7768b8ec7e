"""The migration lock on a real engine: exclusion, refusal naming the holder, stale takeover."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import clickhouse_connect
import pytest
from clickhouse_connect.driver.client import Client

from clickhouse.client import PoloClickHouse
from schema.migrate import DEFAULT_MIGRATIONS_DIR, apply_migrations
from schema.migration_lock import LOCK_TABLE, LockHolder, MigrationLock, MigrationLockedError


@pytest.fixture
def new_client(ch_client: Client, ch_database: str) -> Callable[[], PoloClickHouse]:
    """Opens another client on the test database, as another runner would."""

    def build() -> PoloClickHouse:
        url = os.environ.get("POLO_CLICKHOUSE_URL")
        if url:
            return PoloClickHouse(clickhouse_connect.get_client(dsn=url, database=ch_database))
        return PoloClickHouse(
            clickhouse_connect.get_client(dsn=f"chdb://{ch_client.path}", database=ch_database)
        )

    return build


def tables(client: Client) -> set[str]:
    rows = client.query("SELECT name FROM system.tables WHERE database = currentDatabase()")
    return {name for (name,) in rows.result_rows}


def test_lock_excludes_a_second_holder_until_released(
    ch_client: Client, new_client: Callable[[], PoloClickHouse]
) -> None:
    first = MigrationLock(new_client())
    second = MigrationLock(new_client(), wait_seconds=0.3)
    with first:
        assert second.current_holder() == first.holder
        started = time.monotonic()
        with pytest.raises(MigrationLockedError) as error:
            second.acquire()
        assert time.monotonic() - started >= 0.3
        message = str(error.value)
        assert first.holder.owner in message and f"pid {os.getpid()}" in message
        assert f"DROP TABLE {ch_client.database}.{LOCK_TABLE}" in message
    assert LOCK_TABLE not in tables(ch_client)
    with second:
        assert second.current_holder() == second.holder


def test_waiter_gets_the_lock_when_the_holder_releases_it(
    new_client: Callable[[], PoloClickHouse],
) -> None:
    holder = MigrationLock(new_client())
    holder.acquire()
    releaser = threading.Timer(0.3, holder.release)
    releaser.start()
    waiter = MigrationLock(new_client(), wait_seconds=5)
    with waiter:
        assert waiter.current_holder() == waiter.holder
    releaser.join()


def test_release_does_not_drop_a_lock_held_by_someone_else(
    ch_client: Client, new_client: Callable[[], PoloClickHouse]
) -> None:
    holder = MigrationLock(new_client())
    never_held = MigrationLock(new_client())
    with holder:
        never_held.release()
        assert LOCK_TABLE in tables(ch_client)


def test_lock_of_a_dead_local_runner_is_taken_over(ch_client: Client) -> None:
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    now = datetime.now(UTC)
    crashed = LockHolder(
        owner="migrate-crashed",
        host=socket.gethostname(),
        pid=int(finished.stdout),
        acquired_at=now,
        expires_at=now + timedelta(hours=1),
    )
    # What a runner killed while holding the lock leaves behind.
    ch_client.command(
        f"CREATE TABLE {LOCK_TABLE} (held UInt8) ENGINE = Memory COMMENT '{crashed.to_json()}'"
    )
    successor = MigrationLock(PoloClickHouse(ch_client), wait_seconds=1)
    assert successor.current_holder() == crashed
    with successor:
        assert successor.current_holder() == successor.holder
    assert LOCK_TABLE not in tables(ch_client)
    assert not any(name.startswith(f"{LOCK_TABLE}_stale") for name in tables(ch_client))


def test_expired_lock_is_taken_over(
    ch_client: Client, new_client: Callable[[], PoloClickHouse]
) -> None:
    MigrationLock(new_client(), ttl_seconds=0.01).acquire()
    time.sleep(0.05)
    assert len(apply_migrations(ch_client, lock_wait_seconds=1)) == len(
        list(DEFAULT_MIGRATIONS_DIR.glob("*.sql"))
    )
