"""The one place that turns configuration into a ClickHouse client.

Every Polo component reaches ClickHouse through `connect()`: embedded chDB on disk
(`chdb:///abs/path`, the local default) or a real server (`http(s)://user:pass@host:port/db`).
`PoloClickHouse` wraps the clickhouse-connect client so that

- every statement carries a name (`"cost_collector.insert_day"`), which every error repeats;
- transient failures (connection refused or reset, timeouts, overload codes) are retried with
  exponential backoff and jitter, and nothing else is: a syntax error fails at once;
- inserts are sent in batches of `DEFAULT_BATCH_SIZE` rows, values untouched (Decimal stays
  Decimal end to end); validated models can stream in as JSON rows (`insert_models`), the
  next batch being built while the previous one is written;
- every insert batch is checked end to end: the server's own count of written rows (its
  `X-ClickHouse-Summary`) must reach the rows sent, or the insert is an error, never a silent
  loss (an endpoint once acknowledged a compressed insert and kept its first block);
- datetimes come back timezone-aware in UTC (`tz_mode="aware"`), as Polo sends them;
- errors are `ClickHouseError`s with a one-line message, not a stack of driver internals (the
  driver exception is kept as `__cause__` for debugging).
"""

from __future__ import annotations

import json
import os
import re
import struct
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from itertools import chain, islice
from pathlib import Path
from typing import Any, TypeVar, get_args
from urllib.parse import parse_qs, unquote, urlsplit

import clickhouse_connect
from clickhouse_connect.driver import exceptions as driver_errors
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.query import QueryResult
from clickhouse_connect.driver.summary import QuerySummary
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from tenacity import (
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
)

from clickhouse import json_rows, remote
from clickhouse.gc_pause import gc_paused
from clickhouse.query_params import bind_parameters

DEFAULT_BATCH_SIZE = 1000
# Rows per statement of `insert_models`: large enough that per-INSERT costs (a new part, a
# round trip) stay small, small enough that encoding one batch overlaps writing the previous.
MODEL_BATCH_SIZE = 10_000
DEFAULT_RETRY_ATTEMPTS = 3
# Upper bound on a whole retry loop, so an unreachable server fails within seconds.
DEFAULT_RETRY_MAX_SECONDS = 15.0
# The database Polo uses when the URL names none: its tables never land in `default`.
DEFAULT_DATABASE = "polo"

ENV_URL = "POLO_CLICKHOUSE_URL"
ENV_HOME = "POLO_HOME"
DEFAULT_HOME = ".polo"

# ClickHouse error codes that describe a momentary condition of the server or the network, so
# the same statement may succeed when sent again. Everything else (syntax errors, unknown
# tables, type mismatches, constraint violations, ...) fails the same way every time.
RETRYABLE_CODES: frozenset[int] = frozenset(
    {
        3,  # UNEXPECTED_END_OF_FILE: connection cut mid-response
        202,  # TOO_MANY_SIMULTANEOUS_QUERIES
        203,  # NO_FREE_CONNECTION
        209,  # SOCKET_TIMEOUT
        210,  # NETWORK_ERROR
        242,  # TABLE_IS_READ_ONLY: replica lost its Keeper session, comes back
        252,  # TOO_MANY_PARTS: merges catch up
        285,  # TOO_FEW_LIVE_REPLICAS
        319,  # UNKNOWN_STATUS_OF_INSERT
        999,  # KEEPER_EXCEPTION
    }
)
# HTTP statuses a proxy or load balancer in front of ClickHouse returns while it is unavailable.
RETRYABLE_HTTP_STATUSES: frozenset[int] = frozenset({502, 503, 504})

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_OS_REASON = re.compile(
    r"\[Errno -?\d+\] (?P<reason>[^\"')]+)|(?P<timeout>(?:Read |Connect )?timed out)"
)
_HTTP_STATUS = re.compile(r"HTTP status (\d{3})")
_VERSION_TRAILER = re.compile(r"\s*\(version [^()]*(?:\([^()]*\))?[^()]*\)\s*$")

RowT = TypeVar("RowT")


class ClickHouseError(Exception):
    """Base of every error this module raises; `query_name` says which statement failed."""

    def __init__(self, query_name: str, message: str, *, code: int | None = None) -> None:
        super().__init__(f"{query_name}: {message}")
        self.query_name = query_name
        self.message = message
        self.code = code


class ClickHouseUnavailable(ClickHouseError):
    """ClickHouse could not be reached, or stayed unavailable through every retry."""


class ClickHouseQueryError(ClickHouseError):
    """ClickHouse rejected the statement (bad SQL, unknown table, bad value, ...)."""


class ClickHouseSettings(BaseModel):
    """Where and how to connect. `from_url` fills it from one URL."""

    model_config = ConfigDict(frozen=True)

    url: str
    user: str | None = None
    password: str | None = Field(default=None, repr=False)
    database: str = DEFAULT_DATABASE
    connect_timeout: float = Field(default=5.0, gt=0)
    query_timeout: float = Field(default=300.0, gt=0)
    retry_attempts: int = Field(default=DEFAULT_RETRY_ATTEMPTS, ge=1)
    retry_max_seconds: float = Field(default=DEFAULT_RETRY_MAX_SECONDS, gt=0)

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("chdb", "http", "https"):
            raise ValueError(
                f"unsupported ClickHouse URL {redact_url(url)!r}: use chdb:///absolute/path "
                "or http(s)://user:password@host:port/database"
            )
        if parts.scheme == "chdb":
            if parts.netloc or not parts.path.startswith("/"):
                raise ValueError(
                    f"embedded ClickHouse URL {url!r} must name an absolute directory: "
                    "chdb:///absolute/path"
                )
        elif not parts.hostname:
            raise ValueError(f"ClickHouse URL {redact_url(url)!r} has no host")
        return url

    @field_validator("database")
    @classmethod
    def _identifier(cls, database: str) -> str:
        if not _IDENTIFIER.match(database):
            raise ValueError(
                f"database name {database!r} must be letters, digits and underscores, "
                "not starting with a digit"
            )
        return database

    @model_validator(mode="after")
    def _no_credentials_for_chdb(self) -> ClickHouseSettings:
        if self.is_embedded and (self.user or self.password):
            raise ValueError("embedded chDB has no users: drop user/password from the settings")
        return self

    @property
    def is_embedded(self) -> bool:
        return self.url.startswith("chdb:")

    @property
    def embedded_path(self) -> Path:
        """The chDB data directory of a `chdb://` URL."""
        if not self.is_embedded:
            raise ValueError(f"{redact_url(self.url)} is not an embedded chdb:// URL")
        return Path(unquote(urlsplit(self.url).path))

    @property
    def display_url(self) -> str:
        """The URL without its password, for messages and logs."""
        return redact_url(self.url)

    @classmethod
    def from_url(
        cls, url: str, *, database: str | None = None, **overrides: Any
    ) -> ClickHouseSettings:
        """Settings from a URL: user, password and database come from the URL when present.

        The database is `database` if given, else the URL's (`http://host:8123/<db>` or
        `chdb:///path?database=<db>`), else `DEFAULT_DATABASE`.
        """
        parts = urlsplit(url)
        fields: dict[str, Any] = {"url": url}
        if parts.scheme in ("http", "https"):
            if parts.username:
                fields["user"] = unquote(parts.username)
            if parts.password:
                fields["password"] = unquote(parts.password)
            url_database = parts.path.strip("/")
        else:
            url_database = parse_qs(parts.query).get("database", [""])[0]
        fields["database"] = database or url_database or DEFAULT_DATABASE
        fields.update(overrides)
        return cls(**fields)


def redact_url(url: str) -> str:
    """`url` with any password replaced by `***`."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def resolve_url(explicit: str | None = None) -> str:
    """Which ClickHouse to use, first match wins.

    1. `explicit` (a `--url` option);
    2. the `POLO_CLICKHOUSE_URL` environment variable — in AWS, set first from the deployment's
       Secrets Manager secret and endpoint (`clickhouse.remote.configure`, see docs/infra.md);
    3. the local endpoint announced in `$POLO_HOME/chlocal.json` (`{"url": ..., "pid": ...}`)
       while its process is alive: the embedded directory is then owned by that process; a
       Docker-run server (`"mode": "docker"`, no pid: Docker owns the process) always counts;
    4. embedded chDB in `$POLO_HOME/clickhouse` (`POLO_HOME` defaults to `./.polo`).
    """
    if explicit:
        return explicit
    remote.configure()  # no-op unless POLO_CLICKHOUSE_SECRET_ARN is set
    from_env = os.environ.get(ENV_URL)
    if from_env:
        return from_env
    home = Path(os.environ.get(ENV_HOME) or DEFAULT_HOME).resolve()
    announced = _live_local_endpoint(home / "chlocal.json")
    if announced:
        return announced
    return f"chdb://{home / 'clickhouse'}"


def _live_local_endpoint(path: Path) -> str | None:
    try:
        info = json.loads(path.read_text())
        url = info["url"]
        if info.get("mode") == "docker" and isinstance(url, str):
            return url
        pid = int(info["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        # No endpoint file, or a half-written / foreign one: fall back to embedded.
        return None
    if not isinstance(url, str) or not process_alive(pid):
        return None
    return url


def process_alive(pid: int) -> bool:
    """True when a process with this pid exists on this host (it may belong to another user)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_transient(error: BaseException) -> bool:
    """True when sending the same statement again may succeed."""
    if not isinstance(error, driver_errors.Error):
        # The driver wraps transport failures; anything else is a bug, not a blip.
        return False
    code = getattr(error, "code", None)
    if code is not None:
        return code in RETRYABLE_CODES
    status = _HTTP_STATUS.search(str(error))
    if status:
        return int(status.group(1)) in RETRYABLE_HTTP_STATUSES
    # No server code and no HTTP status: the request never got an answer (refused, reset,
    # timed out). clickhouse-connect reports those as OperationalError.
    return isinstance(error, driver_errors.OperationalError)


def retry_policy(attempts: int, max_seconds: float) -> Retrying:
    """Retry transient failures only: exponential backoff with jitter, bounded in attempts and
    in total time."""
    return Retrying(
        retry=retry_if_exception(is_transient),
        stop=stop_after_attempt(attempts) | stop_after_delay(max_seconds),
        wait=wait_exponential_jitter(initial=0.2, max=5.0, jitter=0.2),
        reraise=True,
    )


def _clean_message(error: BaseException) -> str:
    """The first line of a driver error, without the server version trailer; for a transport
    failure, just the operating system's reason (e.g. "Connection refused")."""
    text = str(error).strip() or type(error).__name__
    reason = _OS_REASON.search(text)
    if reason and isinstance(error, driver_errors.OperationalError):
        return (reason["reason"] or reason["timeout"]).strip()
    # An HTTP server error repeats the code before the server's own text: keep the latter.
    text = text.split("server response: ", 1)[-1]
    lines = text.splitlines()
    first = _VERSION_TRAILER.sub("", lines[0])
    # chDB echoes the statement after the first line and names the error at the very end.
    name = driver_errors.error_name_from_body(text)
    if name and name not in first:
        first = f"{first} ({name})"
    return first


def _translate(query_name: str, error: BaseException) -> ClickHouseError:
    code = getattr(error, "code", None)
    if is_transient(error):
        return ClickHouseUnavailable(query_name, _clean_message(error), code=code)
    return ClickHouseQueryError(query_name, _clean_message(error), code=code)


class PoloClickHouse:
    """A clickhouse-connect client with named statements, retries, batching and typed errors."""

    def __init__(self, client: Client, settings: ClickHouseSettings | None = None) -> None:
        """Wrap `client`; without `settings` (a client built elsewhere, e.g. a test fixture),
        the default retry budget applies."""
        self.client = client
        self.settings = settings
        self._retry_attempts = settings.retry_attempts if settings else DEFAULT_RETRY_ATTEMPTS
        self._retry_max_seconds = (
            settings.retry_max_seconds if settings else DEFAULT_RETRY_MAX_SECONDS
        )

    def _run(self, name: str, call: Any) -> Any:
        try:
            return retry_policy(self._retry_attempts, self._retry_max_seconds)(call)
        except driver_errors.Error as error:
            raise _translate(name, error) from error

    def query(
        self, name: str, sql: str, parameters: Mapping[str, Any] | None = None
    ) -> QueryResult:
        """Run a SELECT. Use `{name:Type}` placeholders: values are bound by the server (strings
        encoded by `query_params.encode_param`, the one encoding every query path uses)."""
        bound = bind_parameters(sql, parameters)
        return self._run(name, lambda: self.client.query(sql, parameters=bound))

    def command(self, name: str, sql: str, parameters: Mapping[str, Any] | None = None) -> Any:
        """Run a statement that returns no rows (DDL, INSERT ... SELECT, ...)."""
        bound = bind_parameters(sql, parameters)
        return self._run(name, lambda: self.client.command(sql, parameters=bound))

    def insert_rows(
        self,
        table: str,
        rows: Sequence[Mapping[str, Any]] | Sequence[BaseModel],
        column_names: Sequence[str] | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> int:
        """Insert `rows` (dicts or pydantic models) in batches; returns the number inserted.

        Without `column_names`, the columns are the first row's keys and every row must have
        exactly those keys. With `column_names`, every row must have at least those keys (others
        are ignored). Float values are refused: Polo keeps money and quantities as Decimal.
        Every row is checked before anything is sent, so bad input of that kind inserts nothing
        (ValueError). A value the column type cannot hold is found while a batch is serialized:
        that raises ClickHouseQueryError saying how many rows earlier batches inserted.

        A pydantic model is converted with its `to_row()` method when it has one, else
        `model_dump()`. Each batch is retried on transient failures; the tables written this way
        are ReplacingMergeTrees, so a batch that did land before a retry adds no duplicate.
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        if not rows:
            return 0
        dict_rows = [_as_dict(row) for row in rows]
        columns = list(column_names) if column_names is not None else list(dict_rows[0])
        values = _row_values(table, dict_rows, columns, exact=column_names is None)
        name = f"insert:{table}"
        inserted = 0
        for batch in _batches(values, batch_size):
            try:
                summary = self._run(
                    name, lambda b=batch: self.client.insert(table, b, column_names=columns)
                )
                _check_written(name, summary, len(batch))
            except ClickHouseError as error:
                if not inserted:
                    raise
                raise _after_earlier_batches(name, error, inserted) from error
            except (ValueError, TypeError, ArithmeticError, struct.error) as error:
                # The driver serializes on our side and lets Python's conversion errors escape.
                raise ClickHouseQueryError(
                    name,
                    f"a value in rows {inserted}..{inserted + len(batch) - 1} does not fit its "
                    f"column ({type(error).__name__}: {error}); {inserted} rows were inserted "
                    "before this batch",
                ) from error
            inserted += len(batch)
        return inserted

    def insert_models(
        self, table: str, rows: Iterable[BaseModel], batch_size: int = MODEL_BATCH_SIZE
    ) -> int:
        """Stream validated rows of one model (`models._Row`) into `table`; returns the count.

        `rows` may be any iterable, a generator included: it is consumed `batch_size` rows at
        a time, each batch is encoded as one `JSONEachRow` statement (json_rows.py) and
        written by a background thread while the caller's thread encodes (and, for a
        generator, builds) the next, so at most two batches are in memory. The model's fields
        are the columns, so no per-row key check is needed; a model with a float field is
        refused before anything is sent, as `insert_rows` refuses float values. Each batch is
        retried on transient failures (the tables written this way are ReplacingMergeTrees).
        A failing batch raises ClickHouseError saying how many rows earlier batches inserted.
        The cyclic garbage collector is paused meanwhile (gc_pause.py).
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        name = f"insert:{table}"
        iterator = iter(rows)
        batches = iter(lambda: list(islice(iterator, batch_size)), [])
        inserted = 0
        # (the batch being written, its row count): written while the next one is encoded.
        # If encoding or the caller's generator fails meanwhile, leaving the `with` block
        # still waits for that write, so nothing sent is abandoned half-way.
        pending: tuple[Future[None], int] | None = None
        with gc_paused(), ThreadPoolExecutor(1, thread_name_prefix=name) as sender:
            for batch in batches:
                model = type(batch[0])
                _refuse_float_fields(table, model)
                if len(set(map(type, batch))) > 1:
                    raise TypeError(f"{name}: insert_models needs rows of one model type")
                # A validated model's `__dict__` is its field values by name: the row as it stands.
                body = json_rows.encode(list(map(vars, batch)))
                if pending is not None:
                    inserted += self._written(name, *pending, inserted)
                names = list(model.model_fields)
                write = sender.submit(self._send_rows, name, table, names, body, len(batch))
                pending = (write, len(batch))
            if pending is not None:
                inserted += self._written(name, *pending, inserted)
        return inserted

    def _send_rows(self, name: str, table: str, names: list[str], body: bytes, rows: int) -> None:
        summary = self._run(
            name,
            lambda: self.client.raw_insert(
                table,
                names,
                body,
                settings=json_rows.INSERT_SETTINGS,
                fmt=json_rows.INSERT_FORMAT,
            ),
        )
        _check_written(name, summary, rows)

    @staticmethod
    def _written(name: str, write: Future[None], rows: int, inserted: int) -> int:
        """Wait for one batch's write; its row count, or its error with the rows before it."""
        try:
            write.result()
        except ClickHouseError as error:
            if not inserted:
                raise
            raise _after_earlier_batches(name, error, inserted) from error
        return rows

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> PoloClickHouse:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _check_written(name: str, summary: QuerySummary, sent: int) -> None:
    """Raise when the server says it wrote fewer rows than one batch sent.

    Rows written by materialized views count too, so the check is "at least", which still
    catches any loss on a table without views. A server that sends no summary is not checked.
    """
    if "written_rows" not in summary.summary:
        return
    if summary.written_rows < sent:
        raise ClickHouseQueryError(
            name,
            f"sent {sent} rows but the server wrote {summary.written_rows}: rows were lost "
            "on the way",
        )


def _after_earlier_batches(name: str, error: ClickHouseError, inserted: int) -> ClickHouseError:
    """A later batch's error, saying how many rows the batches before it inserted."""
    return type(error)(
        name,
        f"{error.message}; {inserted} rows were inserted before this batch",
        code=error.code,
    )


@lru_cache(maxsize=64)
def _float_fields(model: type[BaseModel]) -> tuple[str, ...]:
    def holds_float(annotation: Any) -> bool:
        return annotation is float or any(holds_float(arg) for arg in get_args(annotation))

    return tuple(
        field for field, info in model.model_fields.items() if holds_float(info.annotation)
    )


def _refuse_float_fields(table: str, model: type[BaseModel]) -> None:
    floats = _float_fields(model)
    if floats:
        raise ValueError(
            f"insert into {table}: {model.__name__} has float fields {list(floats)}; Polo "
            "stores money and quantities as Decimal"
        )


def _as_dict(row: Mapping[str, Any] | BaseModel) -> Mapping[str, Any]:
    if isinstance(row, BaseModel):
        to_row = getattr(row, "to_row", None)
        return to_row() if callable(to_row) else row.model_dump()
    return row


def _row_values(
    table: str, rows: list[Mapping[str, Any]], columns: list[str], *, exact: bool
) -> list[list[Any]]:
    wanted = set(columns)
    values: list[list[Any]] = []
    for index, row in enumerate(rows):
        keys = row.keys()
        # One C-level set comparison per row; the differences are only computed to explain.
        if not (keys == wanted if exact else wanted <= keys):
            missing = wanted - keys
            extra = keys - wanted if exact else set()
            problems = []
            if missing:
                problems.append(f"missing {sorted(missing)}")
            if extra:
                problems.append(f"unexpected {sorted(extra)}")
            raise ValueError(
                f"insert into {table}: row {index} does not match the columns "
                f"{columns}: {', '.join(problems)}; nothing was inserted"
            )
        values.append([row[column] for column in columns])
    # Float check over the distinct value types of the whole insert (a handful), not per cell.
    if any(issubclass(kind, float) for kind in set(map(type, chain.from_iterable(values)))):
        index, row = next((i, v) for i, v in enumerate(values) if _floats(columns, v))
        raise ValueError(
            f"insert into {table}: row {index} has float values in {_floats(columns, row)}; "
            "Polo stores money and quantities as Decimal (use Decimal(str(value))); nothing "
            "was inserted"
        )
    return values


def _floats(columns: list[str], values: list[Any]) -> list[str]:
    return [
        column for column, value in zip(columns, values, strict=True) if isinstance(value, float)
    ]


def _batches(items: list[RowT], size: int) -> Iterator[list[RowT]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def connect(
    url: str | None = None,
    *,
    database: str | None = None,
    create_database: bool = False,
    settings: ClickHouseSettings | None = None,
) -> PoloClickHouse:
    """Connect to ClickHouse; `url` defaults to `resolve_url()`.

    `database` overrides the URL's database. With `create_database`, a missing database is
    created first (the migration runner does this); otherwise it must already exist.
    Raises ClickHouseUnavailable when the server cannot be reached within the retry budget.
    """
    if settings is None:
        settings = ClickHouseSettings.from_url(resolve_url(url), database=database)
    elif database:
        settings = ClickHouseSettings(**{**settings.model_dump(), "database": database})
    name = f"connect:{settings.display_url}"
    if create_database:
        bootstrap = _open(settings, database=None, name=name)
        try:
            bootstrap.command(
                "create_database", f"CREATE DATABASE IF NOT EXISTS `{settings.database}`"
            )
        finally:
            bootstrap.close()
    return _open(settings, database=settings.database, name=name)


def _open(settings: ClickHouseSettings, *, database: str | None, name: str) -> PoloClickHouse:
    def build() -> Client:
        if settings.is_embedded:
            path = settings.embedded_path
            path.mkdir(parents=True, exist_ok=True)
            return clickhouse_connect.get_client(
                interface="chdb",
                path=str(path),
                database=database,
                settings={"max_execution_time": int(settings.query_timeout)},
                tz_mode="aware",
            )
        parts = urlsplit(settings.url)
        return clickhouse_connect.get_client(
            interface=parts.scheme,
            host=parts.hostname,
            port=parts.port or (8443 if parts.scheme == "https" else 8123),
            username=settings.user or "default",
            password=settings.password or "",
            database=database or "default",
            connect_timeout=max(1, round(settings.connect_timeout)),
            send_receive_timeout=max(1, round(settings.query_timeout)),
            # Retries happen here, with backoff, not also inside the driver.
            query_retries=0,
            settings={"max_execution_time": int(settings.query_timeout)},
            tz_mode="aware",
        )

    try:
        client = retry_policy(settings.retry_attempts, settings.retry_max_seconds)(build)
    except driver_errors.Error as error:
        code = getattr(error, "code", None)
        if code == 81:  # UNKNOWN_DATABASE
            raise ClickHouseQueryError(
                name, f"database {database!r} does not exist (run the migrations first)", code=code
            ) from error
        if is_transient(error):
            raise ClickHouseUnavailable(
                name, f"cannot reach ClickHouse: {_clean_message(error)}", code=code
            ) from error
        if settings.is_embedded:
            raise ClickHouseUnavailable(
                name,
                f"cannot open the embedded ClickHouse in {settings.embedded_path}: chDB lets one "
                "process open a data directory, and one process open one directory. If another "
                "process (e.g. the local endpoint) has it open, use that process's http:// URL "
                f"({_clean_message(error)})",
                code=code,
            ) from error
        raise _translate(name, error) from error
    return PoloClickHouse(client, settings)
