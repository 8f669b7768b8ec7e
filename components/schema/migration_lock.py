"""One migration runner per database, on any ClickHouse (embedded chDB or a server).

ClickHouse has no row-level compare-and-set, but creating a table is atomic: of two
`CREATE TABLE schema_migrations_lock` statements exactly one succeeds, the other fails with
TABLE_ALREADY_EXISTS. The winner holds the lock; its identity (owner, host, pid, expiry) is the
table's COMMENT, written by that same statement, so a holder is never anonymous. Release drops
the table. A waiter polls until its patience runs out, then refuses and names the holder.

The same mechanism serves embedded chDB (where the runners are threads of one process: chDB
lets one process open a data directory) and servers reached over HTTP (runners on any host).
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from clickhouse.client import ClickHouseQueryError, PoloClickHouse, process_alive

LOCK_TABLE = "schema_migrations_lock"
# How long a second runner waits for the first before giving up.
DEFAULT_LOCK_WAIT_SECONDS = 10.0
# A lock older than this is considered abandoned (its runner crashed on another host): a
# migration run takes seconds, so a quarter of an hour is far past any real run.
DEFAULT_LOCK_TTL_SECONDS = 15 * 60.0

_TABLE_ALREADY_EXISTS = 57
_UNKNOWN_TABLE = 60


class MigrationLockedError(Exception):
    """Another runner holds the database's migration lock."""

    exit_code = 4


@dataclass(frozen=True)
class LockHolder:
    """Who holds a migration lock; stored as JSON in the lock table's comment."""

    owner: str
    host: str
    pid: int
    acquired_at: datetime
    expires_at: datetime

    def to_json(self) -> str:
        return json.dumps(
            {
                "owner": self.owner,
                "host": self.host,
                "pid": self.pid,
                "acquired_at": self.acquired_at.isoformat(),
                "expires_at": self.expires_at.isoformat(),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> LockHolder | None:
        try:
            data = json.loads(text)
            return cls(
                owner=str(data["owner"]),
                host=str(data["host"]),
                pid=int(data["pid"]),
                acquired_at=datetime.fromisoformat(data["acquired_at"]),
                expires_at=datetime.fromisoformat(data["expires_at"]),
            )
        except (ValueError, KeyError, TypeError):
            return None

    def describe(self) -> str:
        return (
            f"{self.owner} (host {self.host}, pid {self.pid}, since "
            f"{self.acquired_at:%Y-%m-%d %H:%M:%S} UTC, expires {self.expires_at:%H:%M:%S} UTC)"
        )

    def is_stale(self, now: datetime, host: str, pid_alive: Callable[[int], bool]) -> bool:
        """Expired, or held by a process of this host that no longer exists."""
        return now >= self.expires_at or (self.host == host and not pid_alive(self.pid))


class MigrationLock:
    """The migration lock of the client's current database (see the module docstring).

    A lock left by a crashed runner is taken over when it has expired, or at once when its pid
    is gone on this host. Takeover renames the stale table away (an atomic step only one waiter
    wins) before creating a fresh one.
    """

    def __init__(
        self,
        db: PoloClickHouse,
        *,
        wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS,
        ttl_seconds: float = DEFAULT_LOCK_TTL_SECONDS,
        poll_seconds: float = 0.1,
        pid_alive: Callable[[int], bool] = process_alive,
    ) -> None:
        self._db = db
        self._wait = wait_seconds
        self._ttl = ttl_seconds
        self._poll = poll_seconds
        self._pid_alive = pid_alive
        self._host = socket.gethostname()
        self.holder = LockHolder(
            owner=f"migrate-{uuid.uuid4().hex[:12]}",
            host=self._host,
            pid=os.getpid(),
            acquired_at=datetime.now(UTC),
            expires_at=datetime.now(UTC),
        )

    def current_holder(self) -> LockHolder | None:
        """The holder of the lock, None when nobody holds it (or it cannot be read)."""
        return self._comment_of(LOCK_TABLE)

    def acquire(self) -> None:
        deadline = time.monotonic() + self._wait
        while True:
            if self._try_create():
                return
            holder = self.current_holder()
            if holder is not None and holder.is_stale(
                datetime.now(UTC), self._host, self._pid_alive
            ):
                self._take_over(holder)
                continue
            if time.monotonic() >= deadline:
                who = holder.describe() if holder else "another runner"
                database = self._db.command("lock.database", "SELECT currentDatabase()")
                raise MigrationLockedError(
                    f"database {database!r} is being migrated by {who}; gave up after "
                    f"{self._wait:g} s. If that runner is gone, drop the lock with "
                    f"DROP TABLE {database}.{LOCK_TABLE}"
                )
            time.sleep(self._poll)

    def _try_create(self) -> bool:
        now = datetime.now(UTC)
        self.holder = LockHolder(
            owner=self.holder.owner,
            host=self._host,
            pid=os.getpid(),
            acquired_at=now,
            expires_at=now + timedelta(seconds=self._ttl),
        )
        try:
            self._db.command(
                "migrate.lock_acquire",
                f"CREATE TABLE {LOCK_TABLE} (held UInt8) ENGINE = Memory "
                f"COMMENT {_sql_string(self.holder.to_json())}",
            )
        except ClickHouseQueryError as error:
            if error.code == _TABLE_ALREADY_EXISTS:
                return False
            raise
        return True

    def _take_over(self, stale: LockHolder) -> None:
        aside = f"{LOCK_TABLE}_stale_{uuid.uuid4().hex[:12]}"
        try:
            self._db.command("migrate.lock_takeover", f"RENAME TABLE {LOCK_TABLE} TO {aside}")
        except ClickHouseQueryError as error:
            if error.code == _UNKNOWN_TABLE:
                return  # another waiter moved it first
            raise
        moved = self._comment_of(aside)
        if moved is not None and moved.owner != stale.owner:
            # Between our read and our rename, someone else took over and locked: give it back.
            self._db.command("migrate.lock_restore", f"RENAME TABLE {aside} TO {LOCK_TABLE}")
            return
        self._db.command("migrate.lock_drop_stale", f"DROP TABLE IF EXISTS {aside} SYNC")

    def _comment_of(self, table: str) -> LockHolder | None:
        result = self._db.query(
            "migrate.lock_holder",
            "SELECT comment FROM system.tables "
            "WHERE database = currentDatabase() AND name = {t:String}",
            {"t": table},
        )
        rows = result.result_rows
        return LockHolder.from_json(rows[0][0]) if rows else None

    def release(self) -> None:
        holder = self.current_holder()
        if holder is not None and holder.owner == self.holder.owner:
            self._db.command("migrate.lock_release", f"DROP TABLE IF EXISTS {LOCK_TABLE} SYNC")

    def __enter__(self) -> MigrationLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def _sql_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
