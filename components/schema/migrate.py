"""Apply Polo's ClickHouse migrations, in order, at most once each.

A migration is a file `NNN_name.sql` (one or more `;`-separated statements) in a migrations
directory. Numbers start at 1 and are contiguous across every directory of a set. The runner

- records each migration in `schema_migrations` (version, name, checksum, applied_at) only after
  every statement of it succeeded, so a failed migration is retried on the next run;
- refuses to run when an applied migration's file changed (checksum) or disappeared;
- lets one runner at a time work on a database (see `schema.migration_lock`);
- with `dry_run`, only reports what it would apply and writes nothing.

CLI: `python -m schema.migrate [--url URL] [--status] [--dry-run] [--migrations-dir DIR ...]`.
Exit codes: 0 ok; 2 bad arguments or a bad migration set (naming, numbering, unreadable file);
3 ClickHouse unreachable; 4 another runner holds the lock; 5 an applied migration changed or is
missing; 6 a statement failed; 1 any other ClickHouse error.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from clickhouse_connect.driver.client import Client

from clickhouse.client import (
    ClickHouseError,
    ClickHouseQueryError,
    ClickHouseSettings,
    ClickHouseUnavailable,
    PoloClickHouse,
    connect,
    resolve_url,
)
from schema.migration_lock import (
    DEFAULT_LOCK_WAIT_SECONDS,
    MigrationLock,
    MigrationLockedError,
)
from schema.sql_splitter import SqlSplitError, Statement, split_statements

DEFAULT_MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
MIGRATIONS_TABLE = "schema_migrations"

_FILENAME = re.compile(r"^(?P<version>\d{3,})_(?P<name>[A-Za-z0-9_]+)\.sql$")
_UNKNOWN_TABLE = 60
_UNKNOWN_DATABASE = 81

Reporter = Callable[[str], None]
State = Literal["applied", "pending", "changed", "missing"]


class MigrationError(Exception):
    """Base of the runner's errors; `exit_code` is what the CLI exits with."""

    exit_code = 1


class MigrationSetError(MigrationError):
    """The migration files themselves are wrong: naming, numbering, unreadable, unsplittable."""

    exit_code = 2


class MigrationIntegrityError(MigrationError):
    """An applied migration's file changed or disappeared."""

    exit_code = 5


class MigrationFailedError(MigrationError):
    """A statement of a migration failed; the migration was not recorded."""

    exit_code = 6


@dataclass(frozen=True)
class Migration:
    """One migration file, parsed."""

    version: int
    path: Path
    checksum: str
    statements: tuple[Statement, ...] = field(repr=False)

    @property
    def name(self) -> str:
        """The file name, e.g. `001_resource_events.sql`: what `schema_migrations` records."""
        return self.path.name


@dataclass(frozen=True)
class AppliedRecord:
    """A row of `schema_migrations`."""

    version: int
    name: str
    checksum: str
    applied_at: datetime


@dataclass(frozen=True)
class MigrationStatus:
    """A migration's state in one database."""

    version: int
    name: str
    state: State
    file_checksum: str | None
    recorded_checksum: str | None
    recorded_name: str | None
    applied_at: datetime | None
    path: Path | None

    def describe(self) -> str:
        line = f"{self.version:03d}  {self.name:<40} {self.state}"
        if self.state == "applied" and self.applied_at:
            line += f"  {self.applied_at:%Y-%m-%d %H:%M:%S} UTC"
        elif self.state == "changed":
            line += f"  {_change_detail(self)}"
        elif self.state == "missing" and self.applied_at:
            line += f"  applied {self.applied_at:%Y-%m-%d %H:%M:%S} UTC, file gone"
        return line


def checksum(content: bytes) -> str:
    """SHA-256 of a migration's text. CRLF is read as LF, so a Windows checkout of the same
    file is not mistaken for an edit."""
    return hashlib.sha256(content.replace(b"\r\n", b"\n")).hexdigest()


def load_migrations(migrations_dirs: Sequence[Path] | None = None) -> list[Migration]:
    """Read and check every migration file of the given directories, ordered by version.

    Raises MigrationSetError naming the offending files when a directory is missing or has no
    migrations, a `.sql` file is misnamed or cannot be split, a statement-less file, or the
    numbers are duplicated or not contiguous from 1.
    """
    dirs = [Path(d) for d in (migrations_dirs or [DEFAULT_MIGRATIONS_DIR])]
    files: list[tuple[int, Path]] = []
    for directory in dirs:
        if not directory.is_dir():
            raise MigrationSetError(f"migrations directory {directory} does not exist")
        found = sorted(p for p in directory.iterdir() if p.suffix == ".sql" and p.is_file())
        if not found:
            raise MigrationSetError(f"migrations directory {directory} has no .sql migrations")
        for path in found:
            match = _FILENAME.match(path.name)
            if not match:
                raise MigrationSetError(
                    f"{path}: migration files must be named NNN_name.sql "
                    "(three or more digits, then letters, digits or underscores)"
                )
            files.append((int(match["version"]), path))
    check_numbering(files)
    return [_parse(version, path) for version, path in sorted(files)]


def check_numbering(files: Iterable[tuple[int, Path]]) -> None:
    """Versions must be unique and contiguous from 1; errors name the files involved."""
    by_version: dict[int, list[Path]] = {}
    for version, path in files:
        by_version.setdefault(version, []).append(path)
    duplicates = {v: paths for v, paths in by_version.items() if len(paths) > 1}
    if duplicates:
        details = "; ".join(
            f"{v:03d}: {', '.join(str(p) for p in paths)}"
            for v, paths in sorted(duplicates.items())
        )
        raise MigrationSetError(f"duplicate migration numbers: {details}")
    versions = sorted(by_version)
    expected = 1
    for version in versions:
        if version != expected:
            after = by_version[expected - 1][0].name if expected > 1 else "the start"
            raise MigrationSetError(
                f"migration numbers are not contiguous: expected {expected:03d} after {after}, "
                f"found {by_version[version][0]}"
            )
        expected += 1


def _parse(version: int, path: Path) -> Migration:
    try:
        content = path.read_bytes()
        text = content.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise MigrationSetError(f"{path}: cannot read migration: {error}") from error
    try:
        statements = split_statements(text)
    except SqlSplitError as error:
        raise MigrationSetError(f"{path}: {error}") from error
    if not statements:
        raise MigrationSetError(f"{path}: migration has no statements")
    return Migration(
        version=version, path=path, checksum=checksum(content), statements=tuple(statements)
    )


def compute_status(
    migrations: Sequence[Migration], applied: Sequence[AppliedRecord]
) -> list[MigrationStatus]:
    """Compare files with `schema_migrations` rows; ordered by version."""
    recorded = {record.version: record for record in applied}
    statuses: list[MigrationStatus] = []
    for migration in migrations:
        record = recorded.pop(migration.version, None)
        state: State = "pending"
        if record is not None:
            same = record.checksum == migration.checksum and record.name == migration.name
            state = "applied" if same else "changed"
        statuses.append(
            MigrationStatus(
                version=migration.version,
                name=migration.name,
                state=state,
                file_checksum=migration.checksum,
                recorded_checksum=record.checksum if record else None,
                recorded_name=record.name if record else None,
                applied_at=record.applied_at if record else None,
                path=migration.path,
            )
        )
    for record in recorded.values():
        statuses.append(
            MigrationStatus(
                version=record.version,
                name=record.name,
                state="missing",
                file_checksum=None,
                recorded_checksum=record.checksum,
                recorded_name=record.name,
                applied_at=record.applied_at,
                path=None,
            )
        )
    return sorted(statuses, key=lambda s: s.version)


def _change_detail(status: MigrationStatus) -> str:
    return (
        f"file checksum {status.file_checksum} != recorded {status.recorded_checksum}"
        if status.file_checksum != status.recorded_checksum
        else f"file renamed (recorded as {status.recorded_name})"
    )


def integrity_problems(statuses: Sequence[MigrationStatus]) -> list[str]:
    """One message per applied migration whose file changed or disappeared."""
    problems: list[str] = []
    for status in statuses:
        if status.state == "changed":
            problems.append(
                f"{status.path} changed after it was applied "
                f"(file sha256 {status.file_checksum}, recorded sha256 "
                f"{status.recorded_checksum}, recorded name {status.recorded_name})"
            )
        elif status.state == "missing":
            problems.append(
                f"migration {status.version:03d} ({status.name}) was applied but its file is "
                f"missing (recorded sha256 {status.recorded_checksum})"
            )
    return problems


def _as_polo(client: PoloClickHouse | Client) -> PoloClickHouse:
    return client if isinstance(client, PoloClickHouse) else PoloClickHouse(client)


def _ensure_migrations_table(db: PoloClickHouse) -> None:
    # Plain MergeTree: one row per applied migration, written once. A duplicate version would
    # mean two runners raced past the lock, and must stay visible rather than be merged away.
    db.command(
        "migrate.create_migrations_table",
        f"""
        CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE}
        (
            version    UInt32,
            name       String,
            checksum   String,
            applied_at DateTime64(3, 'UTC')
        )
        ENGINE = MergeTree
        ORDER BY version
        """,
    )


def read_applied(db: PoloClickHouse | Client) -> list[AppliedRecord]:
    """Rows of `schema_migrations`, by version; empty when the table does not exist yet."""
    polo = _as_polo(db)
    try:
        result = polo.query(
            "migrate.read_applied",
            f"SELECT version, name, checksum, applied_at FROM {MIGRATIONS_TABLE} ORDER BY version",
        )
    except ClickHouseQueryError as error:
        if error.code in (_UNKNOWN_TABLE, _UNKNOWN_DATABASE):
            return []
        raise
    return [
        AppliedRecord(version=int(v), name=n, checksum=c, applied_at=_utc(at))
        for v, n, c, at in result.result_rows
    ]


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def migration_status(
    client: PoloClickHouse | Client | None, migrations_dirs: Sequence[Path] | None = None
) -> list[MigrationStatus]:
    """Each migration with its state: applied, pending, changed (file edited or renamed after
    it was applied) or missing (applied, file gone). `client=None` means the database does not
    exist yet, so every migration is pending."""
    migrations = load_migrations(migrations_dirs)
    applied = read_applied(client) if client is not None else []
    return compute_status(migrations, applied)


def apply_migrations(
    client: PoloClickHouse | Client,
    migrations_dirs: Sequence[Path] | None = None,
    *,
    dry_run: bool = False,
    lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS,
    report: Reporter | None = None,
) -> list[Migration]:
    """Apply the pending migrations to the client's database; returns those applied (with
    `dry_run`, those that would be), in order.

    Raises MigrationSetError (bad files), MigrationIntegrityError (an applied file changed or
    vanished), MigrationLockedError (another runner), MigrationFailedError (a statement failed;
    that migration is not recorded, earlier ones are) and ClickHouseError.
    """
    say = report or (lambda _message: None)
    db = _as_polo(client)
    migrations = load_migrations(migrations_dirs)
    if dry_run:
        pending = _pending(migrations, read_applied(db))
        for migration in pending:
            say(f"would apply {migration.name} ({_count(migration)})")
        return pending
    with MigrationLock(db, wait_seconds=lock_wait_seconds):
        _ensure_migrations_table(db)
        # Read under the lock: a runner that waited sees what the previous one applied.
        pending = _pending(migrations, read_applied(db))
        for migration in pending:
            started = time.monotonic()
            _run_statements(db, migration)
            _record(db, migration)
            say(f"applied {migration.name} ({_count(migration)}, {_elapsed(started)})")
    return pending


def _pending(migrations: Sequence[Migration], applied: Sequence[AppliedRecord]) -> list[Migration]:
    statuses = compute_status(migrations, applied)
    problems = integrity_problems(statuses)
    if problems:
        raise MigrationIntegrityError("refusing to migrate: " + "; ".join(problems))
    pending_versions = {s.version for s in statuses if s.state == "pending"}
    return [m for m in migrations if m.version in pending_versions]


def _run_statements(db: PoloClickHouse, migration: Migration) -> None:
    total = len(migration.statements)
    for number, statement in enumerate(migration.statements, start=1):
        try:
            db.command(f"{migration.name}#{number}", statement.text)
        except ClickHouseUnavailable:
            raise
        except ClickHouseError as error:
            raise MigrationFailedError(
                f"{migration.path}: statement {number} of {total} (line {statement.line}: "
                f"{statement.first_line!r}) failed: {error.message}. {migration.name} was not "
                "recorded; earlier migrations stay applied. Fix the file and run again"
            ) from error


def _record(db: PoloClickHouse, migration: Migration) -> None:
    db.insert_rows(
        MIGRATIONS_TABLE,
        [
            {
                "version": migration.version,
                "name": migration.name,
                "checksum": migration.checksum,
                "applied_at": datetime.now(UTC),
            }
        ],
    )


def _count(migration: Migration) -> str:
    n = len(migration.statements)
    return f"{n} statement{'s' if n != 1 else ''}"


def _elapsed(started: float) -> str:
    return f"{(time.monotonic() - started) * 1000:.0f} ms"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m schema.migrate",
        description="Apply Polo's ClickHouse migrations (pending ones only, in order).",
    )
    parser.add_argument(
        "--url",
        help="chdb:///abs/path or http(s)://user:pass@host:port/db "
        "(default: $POLO_CLICKHOUSE_URL, the running local endpoint, "
        "or chdb://$POLO_HOME/clickhouse)",
    )
    parser.add_argument("--database", help="database to migrate (default: the URL's, else 'polo')")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--status", action="store_true", help="list each migration with its state")
    mode.add_argument(
        "--dry-run", action="store_true", help="print what would be applied; change nothing"
    )
    parser.add_argument(
        "--migrations-dir",
        action="append",
        type=Path,
        dest="migrations_dirs",
        metavar="DIR",
        help=f"directory of NNN_name.sql files; repeatable (default: {DEFAULT_MIGRATIONS_DIR})",
    )
    parser.add_argument(
        "--lock-wait",
        type=float,
        default=DEFAULT_LOCK_WAIT_SECONDS,
        metavar="SECONDS",
        help="how long to wait for another runner before giving up (default: %(default)s)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # The driver logs transport failures as it meets them; the CLI reports each failure once,
    # as one line, itself.
    logging.getLogger("clickhouse_connect").setLevel(logging.CRITICAL)
    try:
        return _main(args)
    except (MigrationError, MigrationLockedError) as error:
        _fail(str(error))
        return error.exit_code
    except ClickHouseUnavailable as error:
        _fail(str(error))
        return 3
    except ClickHouseError as error:
        _fail(str(error))
        return 1
    except ValueError as error:  # invalid URL or settings
        _fail(str(error))
        return 2


def _fail(message: str) -> None:
    print(f"migrate: error: {message}", file=sys.stderr)


def _main(args: argparse.Namespace) -> int:
    # Check the files before touching the database: a bad set fails the same everywhere.
    migrations = load_migrations(args.migrations_dirs)
    settings = ClickHouseSettings.from_url(resolve_url(args.url), database=args.database)
    target = f"database {settings.database!r} at {settings.display_url}"
    if args.status or args.dry_run:
        db = _connect_existing(settings)
        applied = read_applied(db) if db else []
        if args.status:
            return _print_status(target, compute_status(migrations, applied), exists=db is not None)
        pending = _pending(migrations, applied)
        print(f"dry run on {target}: {len(pending)} of {len(migrations)} migrations pending")
        for migration in pending:
            print(f"  would apply {migration.name} ({_count(migration)})")
        return 0
    started = time.monotonic()
    with connect(settings=settings, create_database=True) as db:
        applied = apply_migrations(
            db, args.migrations_dirs, lock_wait_seconds=args.lock_wait, report=print
        )
    if applied:
        print(f"applied {len(applied)} migrations to {target} in {_elapsed(started)}")
    else:
        print(f"{target} is up to date: all {len(migrations)} migrations already applied")
    return 0


def _connect_existing(settings: ClickHouseSettings) -> PoloClickHouse | None:
    """A client on the database, or None when the database does not exist yet."""
    try:
        return connect(settings=settings)
    except ClickHouseQueryError as error:
        if error.code == _UNKNOWN_DATABASE:
            return None
        raise


def _print_status(target: str, statuses: Sequence[MigrationStatus], *, exists: bool) -> int:
    print(f"migrations of {target}" + ("" if exists else " (database does not exist yet)"))
    counts: dict[str, int] = {}
    for status in statuses:
        print(f"  {status.describe()}")
        counts[status.state] = counts.get(status.state, 0) + 1
    summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
    print(f"{len(statuses)} migrations: {summary}")
    problems = integrity_problems(statuses)
    if problems:
        _fail("; ".join(problems))
        return MigrationIntegrityError.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
