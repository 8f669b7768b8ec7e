"""Copy a window of production ClickHouse data into the local database, day by day.

The unit of work is a chunk: one day of one time-partitioned table, or a whole dimension table.
For each chunk prod-sync compares a fingerprint (row count, sum and xor of `cityHash64` over the
copied columns) on both sides; equal chunks are left alone, so a second run copies nothing.
A chunk that differs is replaced: its rows are deleted locally (with the rows a materialized
view derived from them), streamed from the source in Native format straight into a local
INSERT, then verified by fingerprint. A checkpoint file records finished chunks so an
interrupted run resumes where it stopped.

The source is only read: its client sends `readonly=1` with every request, so the source
server itself refuses anything but reads. The destination must be local (loopback or embedded)
unless forced.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import clickhouse_connect
from clickhouse_connect.driver.client import Client

from clickhouse.client import ClickHouseSettings, connect, redact_url
from clickhouse.query_params import bind_parameters
from prodsync.checkpoint import CheckpointStore, Fingerprint, chunk_key
from prodsync.tables import TableSpec

STREAM_READ_BYTES = 1 << 20
_EMPTY = Fingerprint(rows=0, hash_sum=0, hash_xor=0)


class SyncError(Exception):
    """prod-sync cannot or must not proceed; the message says why and what to do."""


@dataclass(frozen=True)
class Chunk:
    table: TableSpec
    day: date | None

    @property
    def key(self) -> str:
        return chunk_key(self.table.name, self.day)


@dataclass(frozen=True)
class ChunkResult:
    chunk: Chunk
    action: str  # "copied" | "in-sync" | "resumed" | "cleared"
    rows: int
    bytes: int
    seconds: float


@dataclass
class SyncReport:
    start: date
    end: date
    results: list[ChunkResult] = field(default_factory=list)
    skipped_tables: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0

    def count(self, action: str) -> int:
        return sum(1 for r in self.results if r.action == action)

    @property
    def rows_copied(self) -> int:
        return sum(r.rows for r in self.results if r.action == "copied")

    @property
    def bytes_copied(self) -> int:
        return sum(r.bytes for r in self.results if r.action == "copied")


class Progress(Protocol):
    """What prod-sync reports while it works (the CLI draws it as a rich progress line)."""

    def start(self, total_chunks: int) -> None: ...

    def chunk_started(self, chunk: Chunk) -> None: ...

    def bytes_streamed(self, rows_expected: int, nbytes: int) -> None: ...

    def chunk_finished(self, result: ChunkResult) -> None: ...


class _NoProgress:
    def start(self, total_chunks: int) -> None:
        return None

    def chunk_started(self, chunk: Chunk) -> None:
        return None

    def bytes_streamed(self, rows_expected: int, nbytes: int) -> None:
        return None

    def chunk_finished(self, result: ChunkResult) -> None:
        return None


def is_local_url(url: str) -> bool:
    """Embedded chDB, or an HTTP server on this machine's loopback."""
    parts = urlsplit(url)
    if parts.scheme == "chdb":
        return True
    host = parts.hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def window(days: int, end: date | None = None) -> tuple[date, date]:
    """`[start, end)` covering the last `days` days up to and including today (UTC)."""
    if days < 1:
        raise SyncError(f"--days must be at least 1, got {days}")
    end = end or (date.today() + timedelta(days=1))
    return end - timedelta(days=days), end


def connect_source(url: str) -> Client:
    """A client for the production server that can only read: `readonly=1` on every request."""
    settings = ClickHouseSettings.from_url(url)
    if settings.is_embedded:
        raise SyncError("the source must be a ClickHouse server reached over HTTP(S)")
    parts = urlsplit(settings.url)
    return clickhouse_connect.get_client(
        interface=parts.scheme,
        host=parts.hostname,
        port=parts.port or (8443 if parts.scheme == "https" else 8123),
        username=settings.user,
        password=settings.password or "",
        database=settings.database,
        settings={"readonly": 1},
        autogenerate_session_id=False,
        connect_timeout=int(settings.connect_timeout),
        send_receive_timeout=int(settings.query_timeout),
    )


def _copy_columns(source: Client, destination: Client, table: str) -> list[str]:
    """Columns present on both sides (destination order), MATERIALIZED/ALIAS excluded."""

    def insertable(client: Client) -> list[str]:
        described = client.query(f"DESCRIBE TABLE `{table}`").named_results()
        return [c["name"] for c in described if c["default_type"] not in ("MATERIALIZED", "ALIAS")]

    source_columns = set(insertable(source))
    return [c for c in insertable(destination) if c in source_columns]


def _table_exists(client: Client, table: str) -> bool:
    sql = (
        "SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = {t:String}"
    )
    return bool(client.command(sql, parameters=bind_parameters(sql, {"t": table})))


def _where(chunk: Chunk) -> tuple[str, dict[str, Any]]:
    if chunk.day is None:
        return "", {}
    return f" WHERE {chunk.table.day_expression} = {{day:Date}}", {"day": chunk.day}


def fingerprint(client: Client, chunk: Chunk, columns: Sequence[str]) -> Fingerprint:
    where, params = _where(chunk)
    hashed = _hash(columns)
    sql = f"SELECT count(), sum({hashed}), groupBitXor({hashed}) FROM `{chunk.table.name}`{where}"
    row = client.query(sql, parameters=bind_parameters(sql, params)).result_rows[0]
    return Fingerprint(rows=int(row[0]), hash_sum=int(row[1]), hash_xor=int(row[2]))


def _hash(columns: Sequence[str]) -> str:
    return f"cityHash64({', '.join(f'`{c}`' for c in columns)})"


def day_fingerprints(
    client: Client, spec: TableSpec, columns: Sequence[str], start: date, end: date
) -> dict[date | None, Fingerprint]:
    """Every chunk's fingerprint in one query: per day in `[start, end)`, or the whole table."""
    hashed = _hash(columns)
    aggregates = f"count(), sum({hashed}), groupBitXor({hashed})"
    if spec.day_column is None:
        row = client.query(f"SELECT {aggregates} FROM `{spec.name}`").result_rows[0]
        return {None: Fingerprint(rows=int(row[0]), hash_sum=int(row[1]), hash_xor=int(row[2]))}
    expr = spec.day_expression
    sql = (
        f"SELECT {expr} AS day, {aggregates} FROM `{spec.name}` "
        f"WHERE {expr} >= {{start:Date}} AND {expr} < {{end:Date}} GROUP BY day"
    )
    rows = client.query(
        sql, parameters=bind_parameters(sql, {"start": start, "end": end})
    ).result_rows
    return {
        row[0]: Fingerprint(rows=int(row[1]), hash_sum=int(row[2]), hash_xor=int(row[3]))
        for row in rows
    }


def _clear(destination: Client, chunk: Chunk) -> None:
    spec = chunk.table
    if chunk.day is None:
        destination.command(f"TRUNCATE TABLE `{spec.name}`")
        return
    day = chunk.day.isoformat()
    targets = [(spec.name, spec.day_expression), *((t, f"`{c}`") for t, c in spec.derived)]
    for table, expr in targets:
        destination.command(
            f"ALTER TABLE `{table}` DELETE WHERE {expr} = toDate('{day}')",
            settings={"mutations_sync": 2},
        )


def _stream_rows(
    source: Client, chunk: Chunk, columns: Sequence[str], on_bytes: Callable[[int], None]
) -> Iterator[bytes]:
    where, params = _where(chunk)
    select = ", ".join(f"`{c}`" for c in columns)
    sql = f"SELECT {select} FROM `{chunk.table.name}`{where}"
    stream = source.raw_stream(sql, parameters=bind_parameters(sql, params), fmt="Native")
    try:
        while True:
            block = stream.read(STREAM_READ_BYTES)
            if not block:
                return
            on_bytes(len(block))
            yield block
    finally:
        stream.close()


def sync(
    source: Client,
    destination: Client,
    tables: Sequence[TableSpec],
    start: date,
    end: date,
    checkpoint: CheckpointStore,
    progress: Progress | None = None,
    on_chunk: Callable[[ChunkResult], None] | None = None,
) -> SyncReport:
    """Make every chunk of `tables` in `[start, end)` on `destination` equal the source's."""
    progress = progress or _NoProgress()
    report = SyncReport(start=start, end=end)
    started = time.monotonic()
    plan: list[tuple[Chunk, list[str], Fingerprint, Fingerprint]] = []
    for spec in tables:
        if not _table_exists(destination, spec.name):
            raise SyncError(
                f"the destination has no table {spec.name}: apply the migrations first "
                "(`pants polo-up` does)"
            )
        if not _table_exists(source, spec.name):
            report.skipped_tables.append(spec.name)
            continue
        columns = _copy_columns(source, destination, spec.name)
        wanted = day_fingerprints(source, spec, columns, start, end)
        present = day_fingerprints(destination, spec, columns, start, end)
        for day in sorted(wanted.keys() | present.keys(), key=lambda d: d or date.min):
            plan.append(
                (
                    Chunk(spec, day),
                    columns,
                    wanted.get(day, _EMPTY),
                    present.get(day, _EMPTY),
                )
            )
    progress.start(len(plan))
    for chunk, columns, wanted_fp, present_fp in plan:
        progress.chunk_started(chunk)
        result = _sync_chunk(
            source, destination, chunk, columns, wanted_fp, present_fp, checkpoint, progress
        )
        report.results.append(result)
        progress.chunk_finished(result)
        if on_chunk is not None:
            on_chunk(result)
    checkpoint.clear()
    report.elapsed_s = time.monotonic() - started
    return report


def _sync_chunk(
    source: Client,
    destination: Client,
    chunk: Chunk,
    columns: Sequence[str],
    wanted: Fingerprint,
    present: Fingerprint,
    checkpoint: CheckpointStore,
    progress: Progress,
) -> ChunkResult:
    began = time.monotonic()
    if checkpoint.is_done(chunk.key):
        return ChunkResult(chunk, "resumed", 0, 0, 0.0)
    if present == wanted:
        checkpoint.mark_done(chunk.key, wanted)
        return ChunkResult(chunk, "in-sync", 0, 0, time.monotonic() - began)
    if present.rows:
        _clear(destination, chunk)
    if wanted == _EMPTY:
        checkpoint.mark_done(chunk.key, wanted)
        return ChunkResult(chunk, "cleared", 0, 0, time.monotonic() - began)
    streamed = 0

    def count(nbytes: int) -> None:
        nonlocal streamed
        streamed += nbytes
        progress.bytes_streamed(wanted.rows, nbytes)

    destination.raw_insert(
        chunk.table.name,
        column_names=list(columns),
        insert_block=_stream_rows(source, chunk, columns, count),
        fmt="Native",
    )
    got = fingerprint(destination, chunk, columns)
    # The source may have changed since the plan was made: compare with it again before failing.
    if got != wanted and got != fingerprint(source, chunk, columns):
        raise SyncError(
            f"{chunk.key}: copied {got.rows} rows but the source has {wanted.rows}; "
            "run prod-sync again (the chunk will be replaced)"
        )
    checkpoint.mark_done(chunk.key, got)
    return ChunkResult(chunk, "copied", got.rows, streamed, time.monotonic() - began)


def open_destination(url: str, *, force: bool) -> Client:
    if not is_local_url(url) and not force:
        raise SyncError(
            f"refusing to write to {redact_url(url)}: it is not local "
            "(loopback or embedded); pass --force if you really mean it"
        )
    return connect(url).client


def same_server(source_url: str, destination_url: str) -> bool:
    a, b = urlsplit(source_url), urlsplit(destination_url)
    if a.scheme == "chdb" or b.scheme == "chdb":
        return False
    a_db = ClickHouseSettings.from_url(source_url).database
    b_db = ClickHouseSettings.from_url(destination_url).database
    return (a.hostname, a.port, a_db) == (b.hostname, b.port, b_db)


def default_checkpoint_path(home: Path) -> Path:
    return home / "prodsync" / "checkpoint.json"
