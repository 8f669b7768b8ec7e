"""Query execution on one chDB data directory, safe for concurrent callers.

chDB hosts one ClickHouse engine per process and hands out any number of connection handles
to it. A handle runs one statement at a time and carries session state (`USE`, `SET`), but
handles run in parallel (measured: two CPU-bound queries on two handles take the time of one on
two cores, and chDB releases the GIL while it works). So every request gets a fresh handle
(opening one costs ~0.1 ms), which gives per-query settings for free: they die with the
handle. HTTP sessions (`session_id`) are emulated by replaying the session's `USE`/`SET`
statements onto the fresh handle; that covers what clickhouse-connect and Polo use (temporary
tables do not survive between requests, see docs/local-stack.md).

One extra handle, opened at start and closed last, keeps the engine alive between requests
and is closed only after in-flight queries have drained, so an acknowledged insert is always
on disk before the process exits.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import chdb

from chlocal import sandbox, statement
from chlocal.errors import ClickHouseException

DEFAULT_FORMAT = "TabSeparated"
# file() reaches only this directory, under the data directory unless configured (sandbox.py).
USER_FILES = "user_files"
DEFAULT_SESSION_TIMEOUT_S = 60.0
MAX_SESSION_TIMEOUT_S = 3600.0
_SETTING_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class QueryRequest:
    """One HTTP query, already authenticated and decoded."""

    sql: bytes
    params: Mapping[str, str] = field(default_factory=dict)
    settings: Mapping[str, str] = field(default_factory=dict)
    database: str | None = None
    default_format: str = DEFAULT_FORMAT
    session_id: str | None = None
    session_timeout_s: float = DEFAULT_SESSION_TIMEOUT_S
    session_check: bool = False
    query_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    read_only_method: bool = False


@dataclass(frozen=True)
class QueryResult:
    body: bytes
    format: str | None
    summary: dict[str, str]


@dataclass
class _Session:
    timeout_s: float
    last_used: float
    busy: threading.Lock = field(default_factory=threading.Lock)
    statements: list[bytes] = field(default_factory=list)


def _quote_identifier(name: str) -> str:
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


def _quote_literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _summary(
    *,
    read_rows: int = 0,
    read_bytes: int = 0,
    written_rows: int = 0,
    written_bytes: int = 0,
    result_bytes: int = 0,
    elapsed_s: float = 0.0,
) -> dict[str, str]:
    # ClickHouse sends every counter as a string in X-ClickHouse-Summary.
    return {
        "read_rows": str(read_rows),
        "read_bytes": str(read_bytes),
        "written_rows": str(written_rows),
        "written_bytes": str(written_bytes),
        "total_rows_to_read": str(read_rows),
        "result_rows": "0",
        "result_bytes": str(result_bytes),
        "elapsed_ns": str(int(elapsed_s * 1_000_000_000)),
    }


class Engine:
    """The chDB engine behind the endpoint; `execute` may be called from many threads."""

    def __init__(self, data_dir: Path, policy: sandbox.SandboxPolicy | None = None) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self._path = str(data_dir.resolve())
        self.policy = policy or sandbox.SandboxPolicy(user_files=data_dir.resolve() / USER_FILES)
        self.policy.user_files.mkdir(parents=True, exist_ok=True)
        self._anchor: Any = chdb.connect(self._path)
        row = self._anchor.query("SELECT version(), timezone()", "TabSeparated").bytes()
        version, timezone = row.decode().rstrip("\n").split("\t")
        self.version: str = version
        self.timezone: str = timezone
        self._close_filesystem_overlay()
        self._sessions: dict[str, _Session] = {}
        self._sessions_lock = threading.Lock()
        self._inflight = 0
        self._closing = False
        self._idle = threading.Condition()

    @property
    def data_dir(self) -> str:
        return self._path

    def _close_filesystem_overlay(self) -> None:
        """clickhouse-local opens `default` as an overlay of its tables and the filesystem, so
        `SELECT * FROM '/etc/passwd'` (or `default.passwd`, relative to the working directory)
        reads any file. Re-attach the same database (same UUID, tables kept) as plain Atomic."""
        row = self._anchor.query(
            "SELECT engine, toString(uuid) FROM system.databases WHERE name = 'default'",
            "TabSeparated",
        ).bytes()
        engine, _, uuid_text = row.decode().rstrip("\n").partition("\t")
        if engine != "Overlay":
            return
        uuid.UUID(uuid_text)  # refuse to splice anything but a UUID into the statement
        self._anchor.query("DETACH DATABASE default", "TabSeparated")
        self._anchor.query(
            f"ATTACH DATABASE default UUID '{uuid_text}' ENGINE = Atomic", "TabSeparated"
        )

    def execute(self, request: QueryRequest) -> QueryResult:
        with self._idle:
            if self._closing:
                raise ClickHouseException.of("ABORTED", "The server is shutting down")
            self._inflight += 1
        try:
            session = self._acquire_session(request) if request.session_id else None
            try:
                return self._execute(request, session)
            finally:
                if session is not None:
                    session.last_used = time.monotonic()
                    session.busy.release()
        finally:
            with self._idle:
                self._inflight -= 1
                self._idle.notify_all()

    def close(self, timeout_s: float = 30.0) -> None:
        """Refuse new queries, wait for running ones, then release the engine."""
        with self._idle:
            self._closing = True
            self._idle.wait_for(lambda: self._inflight == 0, timeout=timeout_s)
        if self._anchor is not None:
            self._anchor.close()
            self._anchor = None

    def _acquire_session(self, request: QueryRequest) -> _Session:
        assert request.session_id is not None
        if not 0 < request.session_timeout_s <= MAX_SESSION_TIMEOUT_S:
            raise ClickHouseException.of(
                "INVALID_SESSION_TIMEOUT",
                f"Invalid session timeout: {request.session_timeout_s}, "
                f"must be in (0, {MAX_SESSION_TIMEOUT_S:g}]",
            )
        now = time.monotonic()
        with self._sessions_lock:
            for key, expired in list(self._sessions.items()):
                if now - expired.last_used > expired.timeout_s and not expired.busy.locked():
                    del self._sessions[key]
            session = self._sessions.get(request.session_id)
            if session is None:
                if request.session_check:
                    raise ClickHouseException.of(
                        "SESSION_NOT_FOUND", f"Session {request.session_id} not found"
                    )
                session = _Session(timeout_s=request.session_timeout_s, last_used=now)
                self._sessions[request.session_id] = session
            if not session.busy.acquire(blocking=False):
                raise ClickHouseException.of(
                    "SESSION_IS_LOCKED",
                    f"Session {request.session_id} is locked by a concurrent client",
                )
            session.timeout_s = request.session_timeout_s
            return session

    def _execute(self, request: QueryRequest, session: _Session | None) -> QueryResult:
        sql = request.sql
        inline = statement.split_inline_insert(sql)
        head = sql[: inline.data_offset] if inline else sql
        if statement.is_empty(head):
            raise ClickHouseException.of("SYNTAX_ERROR", "Empty query")
        if statement.has_multiple_statements(head):
            raise ClickHouseException.of("SYNTAX_ERROR", "Multi-statements are not allowed")
        sandbox.check(head, self.policy, request.params)
        conn = chdb.connect(self._path)
        try:
            self._prepare(conn, request, session)
            started = time.perf_counter()
            if inline is not None:
                result = self._insert(conn, inline, memoryview(sql)[inline.data_offset :])
            else:
                result = self._query(conn, request, started)
        finally:
            conn.close()
        if session is not None and statement.changes_session_state(sql):
            session.statements.append(sql)
        return result

    def _prepare(self, conn: Any, request: QueryRequest, session: _Session | None) -> None:
        for replayed in session.statements if session else ():
            self._run(conn, replayed)
        if request.database:
            self._run(conn, f"USE {_quote_identifier(request.database)}")
        readonly = request.settings.get("readonly")
        if request.read_only_method:
            # ClickHouse forces readonly for GET: 2 (reads, and setting changes) unless the
            # client asks for the stricter 1; `readonly=0` on a GET never enables writes.
            readonly = "1" if readonly is not None and readonly.strip() == "1" else "2"
        for name, value in request.settings.items():
            if name != "readonly":
                self._set(conn, name, value)
        # readonly goes last: once it is 1, no other setting may change.
        if readonly is not None:
            self._set(conn, "readonly", readonly)

    def _set(self, conn: Any, name: str, value: str) -> None:
        if not _SETTING_NAME.match(name):
            raise ClickHouseException.of("UNKNOWN_SETTING", f"Unknown setting '{name}'")
        self._run(conn, f"SET {name} = {_quote_literal(value)}")

    @staticmethod
    def _run(conn: Any, sql: str | bytes) -> Any:
        try:
            return conn.query(sql, "TabSeparated")
        except Exception as exc:  # chDB raises plain RuntimeError/ChdbError text
            raise ClickHouseException.from_engine(str(exc)) from exc

    @staticmethod
    def _insert(conn: Any, inline: statement.InlineInsert, data: memoryview) -> QueryResult:
        try:
            inserter = conn.send_insert(inline.statement, inline.format)
        except Exception as exc:
            raise ClickHouseException.from_engine(str(exc)) from exc
        try:
            if len(data):
                inserter.append(bytes(data))
            written = inserter.finish()
        except Exception as exc:
            inserter.cancel()
            cause = exc.__cause__ if exc.__cause__ is not None else exc
            raise ClickHouseException.from_engine(str(cause)) from exc
        return QueryResult(
            body=b"",
            format=None,
            summary=_summary(
                written_rows=written.rows_written,
                written_bytes=written.bytes_written,
                elapsed_s=written.elapsed,
            ),
        )

    def _query(self, conn: Any, request: QueryRequest, started: float) -> QueryResult:
        sql = request.sql
        try:
            result = conn.query(sql, request.default_format, params=dict(request.params))
        except Exception as exc:
            raise ClickHouseException.from_engine(str(exc)) from exc
        body = result.bytes() or b""
        fmt = (
            (statement.output_format(sql) or request.default_format)
            if (statement.produces_result(sql))
            else None
        )
        return QueryResult(
            body=body,
            format=fmt,
            summary=_summary(
                read_rows=result.rows_read(),
                read_bytes=result.bytes_read(),
                written_rows=result.rows_written(),
                written_bytes=result.bytes_written(),
                result_bytes=len(body),
                elapsed_s=time.perf_counter() - started,
            ),
        )


def summary_header(summary: Mapping[str, str]) -> str:
    return json.dumps(summary, separators=(",", ":"))
