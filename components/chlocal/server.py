"""The ClickHouse HTTP interface over chDB: `python -m chlocal.server`.

Speaks the subset of ClickHouse's HTTP protocol that clickhouse-connect and plain `fetch`
clients use: `GET /?query=`, `POST /` (query in the body, or in the URL with rows in the body),
`param_<name>` bindings, `database`, `default_format`, settings as URL parameters, sessions,
`/ping`, credentials, ClickHouse-shaped errors and the `X-ClickHouse-*` response headers.
Runs on uvicorn with one process (chDB opens a data directory in one process only); queries run
in worker threads, at most `max_concurrency` at a time.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import socket
import sys
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import anyio
import uvicorn
from pydantic import BaseModel, ConfigDict, Field
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from chlocal import auth, guard, sandbox
from chlocal.compression import decode_body, max_body_bytes
from chlocal.engine import (
    DEFAULT_FORMAT,
    DEFAULT_SESSION_TIMEOUT_S,
    Engine,
    QueryRequest,
    QueryResult,
    summary_header,
)
from chlocal.errors import ClickHouseException

logger = logging.getLogger("chlocal")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8123
DEFAULT_MAX_CONCURRENCY = 4

# URL parameters the HTTP layer consumes itself; everything else is a ClickHouse setting.
_TRANSPORT_PARAMS = frozenset(
    {
        "query",
        "database",
        "default_format",
        "user",
        "password",
        "quota_key",
        "query_id",
        "session_id",
        "session_timeout",
        "session_check",
        "compress",
        "decompress",
        "buffer_size",
        "wait_end_of_query",
        "client_protocol_version",
        "role",
        "send_progress_in_http_headers",
        "http_headers_progress_interval_ms",
        "enable_http_compression",
        "http_zlib_compression_level",
        "http_native_compression_disable_checksumming_on_decompress",
        "cancel_http_readonly_queries_on_client_close",
        "add_http_cors_header",
    }
)

_CONTENT_TYPES = {
    "TabSeparated": "text/tab-separated-values; charset=UTF-8",
    "TSV": "text/tab-separated-values; charset=UTF-8",
    "CSV": "text/csv; charset=UTF-8; header=absent",
    "CSVWithNames": "text/csv; charset=UTF-8; header=present",
}


def content_type(fmt: str | None) -> str:
    if fmt is None:
        return "text/plain; charset=UTF-8"
    if fmt in _CONTENT_TYPES:
        return _CONTENT_TYPES[fmt]
    if fmt.startswith(("TabSeparated", "TSV")):
        return "text/tab-separated-values; charset=UTF-8"
    if fmt.startswith("JSON"):
        return "application/json; charset=UTF-8"
    if fmt in ("Native", "RowBinary", "Parquet", "Arrow", "ArrowStream", "ORC", "Avro") or (
        fmt.startswith("RowBinary")
    ):
        return "application/octet-stream"
    return "text/plain; charset=UTF-8"


class ServerConfig(BaseModel):
    """How the endpoint runs; the CLI builds it from flags and environment variables."""

    model_config = ConfigDict(frozen=True)

    data_dir: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    auth: auth.AuthPolicy
    max_concurrency: int = Field(default=DEFAULT_MAX_CONCURRENCY, ge=1)
    display_name: str = Field(default_factory=socket.gethostname)
    # Where file() may read and write (sandbox.py); default: <data_dir>/user_files.
    user_files_dir: Path | None = None
    allow_loopback_urls: bool = False
    # Host names answered besides 127.0.0.1, localhost and [::1] (guard.py).
    allowed_hosts: tuple[str, ...] = ()

    @property
    def sandbox_policy(self) -> sandbox.SandboxPolicy:
        user_files = self.user_files_dir or self.data_dir / "user_files"
        return sandbox.SandboxPolicy(
            user_files=user_files.resolve(), allow_loopback_urls=self.allow_loopback_urls
        )

    @property
    def host_allow_list(self) -> frozenset[str]:
        extra = list(self.allowed_hosts)
        if self.host not in ("0.0.0.0", "::", "") and not auth.is_loopback(self.host):
            extra.append(self.host)
        return guard.allowed_hosts(self.port, extra)


class _Endpoint:
    """Request handling bound to one engine and config."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.engine: Engine | None = None
        self.limiter = anyio.CapacityLimiter(config.max_concurrency)

    def _headers(self, query_id: str) -> dict[str, str]:
        headers = {
            "X-ClickHouse-Server-Display-Name": self.config.display_name,
            "X-ClickHouse-Query-Id": query_id,
        }
        if self.engine is not None:
            headers["X-ClickHouse-Timezone"] = self.engine.timezone
        return headers

    def _error(self, exc: ClickHouseException, query_id: str) -> Response:
        version = self.engine.version if self.engine else "unknown"
        headers = self._headers(query_id)
        headers["X-ClickHouse-Exception-Code"] = str(exc.code)
        if exc.http_status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="chlocal"'
        return Response(
            exc.body(version),
            status_code=exc.http_status,
            headers=headers,
            media_type="text/plain; charset=UTF-8",
        )

    async def ping(self, request: Request) -> Response:
        return PlainTextResponse("Ok.\n")

    async def query(self, request: Request) -> Response:
        params = request.query_params
        query_id = params.get("query_id") or ""
        try:
            auth.authenticate(self.config.auth, auth.presented_credentials(request.headers, params))
            body = b""
            if request.method == "POST":
                try:
                    raw = await _read_body(request)
                except ClientDisconnect:
                    return Response(status_code=400)  # nobody is left to read it
                body = decode_body(raw, request.headers.get("content-encoding"))
            if request.method == "GET" and "query" not in params:
                return PlainTextResponse("Ok.\n")
            query_request = self._build_request(request.method, params, body)
            query_id = query_request.query_id
            engine = self.engine
            if engine is None:
                raise ClickHouseException.of("ABORTED", "The server is not ready")
            result = await anyio.to_thread.run_sync(
                engine.execute, query_request, limiter=self.limiter
            )
        except ClickHouseException as exc:
            return self._error(exc, query_id)
        return self._response(result, query_id)

    def _response(self, result: QueryResult, query_id: str) -> Response:
        headers = self._headers(query_id)
        headers["X-ClickHouse-Summary"] = summary_header(result.summary)
        if result.format is not None:
            headers["X-ClickHouse-Format"] = result.format
        return Response(result.body, headers=headers, media_type=content_type(result.format))

    @staticmethod
    def _build_request(method: str, params: Mapping[str, str], body: bytes) -> QueryRequest:
        if params.get("decompress") in ("1", "true") or params.get("compress") in ("1", "true"):
            raise ClickHouseException.of(
                "NOT_IMPLEMENTED",
                "ClickHouse-native block compression (compress/decompress=1) is not supported "
                "by chlocal; use Content-Encoding instead",
            )
        url_query = params.get("query", "").encode()
        sql = url_query + b"\n" + body if url_query and body else (url_query or body)
        bindings: dict[str, str] = {}
        settings: dict[str, str] = {}
        for name, value in params.items():
            if name.startswith("param_"):
                bindings[name[len("param_") :]] = value
            elif name not in _TRANSPORT_PARAMS:
                settings[name] = value
        try:
            session_timeout = float(params.get("session_timeout", DEFAULT_SESSION_TIMEOUT_S))
        except ValueError as exc:
            raise ClickHouseException.of(
                "INVALID_SESSION_TIMEOUT", f"Invalid session timeout: {params['session_timeout']}"
            ) from exc
        extra = {"query_id": params["query_id"]} if params.get("query_id") else {}
        return QueryRequest(
            sql=sql,
            params=bindings,
            settings=settings,
            database=params.get("database") or None,
            default_format=params.get("default_format") or DEFAULT_FORMAT,
            session_id=params.get("session_id") or None,
            session_timeout_s=session_timeout,
            session_check=params.get("session_check") in ("1", "true"),
            read_only_method=method == "GET",
            **extra,
        )


async def _read_body(request: Request) -> bytes:
    """The raw body, refused (413) once it passes the cap decompressed bodies have too
    (compression.max_body_bytes), before it is all in memory."""
    cap = max_body_bytes()
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise ClickHouseException.of(
            "QUERY_IS_TOO_LARGE", f"Request body of {declared} bytes exceeds the {cap}-byte limit"
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise ClickHouseException.of(
                "QUERY_IS_TOO_LARGE", f"Request body exceeds the {cap}-byte limit"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(config: ServerConfig, engine: Engine | None = None) -> Starlette:
    """The ASGI app; opens the engine at startup (unless given one) and drains it at shutdown."""
    endpoint = _Endpoint(config)

    def refuse(message: str) -> Response:
        return endpoint._error(ClickHouseException.of("ACCESS_DENIED", message), "")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        endpoint.engine = engine or await anyio.to_thread.run_sync(
            Engine, config.data_dir, config.sandbox_policy
        )
        logger.info(
            "chlocal: ClickHouse %s on chDB, data in %s, http://%s:%d (auth %s)",
            endpoint.engine.version,
            endpoint.engine.data_dir,
            config.host,
            config.port,
            "required" if config.auth.require else "optional on loopback",
        )
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(endpoint.engine.close)
            logger.info("chlocal: engine closed, all acknowledged writes are on disk")

    return Starlette(
        routes=[
            Route("/ping", endpoint.ping, methods=["GET", "HEAD"]),
            Route("/", endpoint.query, methods=["GET", "POST"]),
        ],
        middleware=[Middleware(guard.RequestGuard, hosts=config.host_allow_list, refuse=refuse)],
        lifespan=lifespan,
    )


def polo_home() -> Path:
    return Path(os.environ.get("POLO_HOME", ".polo")).resolve()


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m chlocal.server",
        description="ClickHouse HTTP interface over a chDB data directory.",
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help="bind address (default: loopback)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="chDB data directory (default: $POLO_HOME/clickhouse, POLO_HOME=./.polo)",
    )
    parser.add_argument("--user", default=os.environ.get("POLO_CHLOCAL_USER", auth.DEFAULT_USER))
    parser.add_argument(
        "--password",
        default=os.environ.get("POLO_CHLOCAL_PASSWORD"),
        help=(
            "password (or env POLO_CHLOCAL_PASSWORD); on loopback the default is "
            f"'{auth.DEFAULT_PASSWORD}', off loopback one must be given"
        ),
    )
    parser.add_argument(
        "--user-files-dir",
        type=Path,
        default=None,
        help="the only directory file() may use (default: <data dir>/user_files)",
    )
    parser.add_argument(
        "--allow-loopback-urls",
        action="store_true",
        help="let url(), s3() and similar reach loopback and link-local addresses (SSRF risk)",
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        help="a Host name to answer besides 127.0.0.1, localhost and [::1] (repeatable)",
    )
    required = parser.add_mutually_exclusive_group()
    required.add_argument(
        "--require-auth",
        dest="require_auth",
        action="store_const",
        const=True,
        help="require credentials even on loopback",
    )
    required.add_argument(
        "--no-require-auth",
        dest="require_auth",
        action="store_const",
        const=False,
        help="accept anonymous requests even off loopback (not recommended)",
    )
    parser.add_argument(
        "--header-timeout",
        type=float,
        default=guard.HEADER_TIMEOUT_S,
        help="seconds a client has to send a request line and headers (default: %(default)s)",
    )
    parser.add_argument(
        "--body-idle-timeout",
        type=float,
        default=guard.BODY_IDLE_TIMEOUT_S,
        help="seconds a request body may pause between chunks (default: %(default)s)",
    )
    parser.add_argument("--max-concurrency", type=int, default=DEFAULT_MAX_CONCURRENCY)
    parser.add_argument("--log-level", default="info")
    return parser.parse_args(argv)


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    loopback = auth.is_loopback(args.host)
    if not loopback:
        # Off loopback the endpoint is reachable by other machines: anonymous access and the
        # well-known default password are both refused at start.
        if args.require_auth is False:
            raise SystemExit(
                f"chlocal: refusing --no-require-auth on {args.host}, which is not loopback"
            )
        if args.password in (None, "", auth.DEFAULT_PASSWORD):
            raise SystemExit(
                f"chlocal: refusing to listen on {args.host} (not loopback) without an explicit "
                "password; set --password or POLO_CHLOCAL_PASSWORD to something other than "
                f"the default '{auth.DEFAULT_PASSWORD}'"
            )
    password = auth.DEFAULT_PASSWORD if args.password is None else args.password
    credentials = auth.Credentials(user=args.user, password=password)
    policy = auth.default_policy(args.host, credentials)
    if args.require_auth is not None:
        policy = auth.AuthPolicy(credentials=credentials, require=args.require_auth)
    if policy.require and not credentials.password:
        raise SystemExit(
            f"chlocal: refusing to require credentials with an empty password on {args.host}; "
            "set --password or POLO_CHLOCAL_PASSWORD"
        )
    data_dir = (args.data_dir or polo_home() / "clickhouse").resolve()
    return ServerConfig(
        data_dir=data_dir,
        host=args.host,
        port=args.port,
        auth=policy,
        max_concurrency=args.max_concurrency,
        user_files_dir=args.user_files_dir.resolve() if args.user_files_dir else None,
        allow_loopback_urls=args.allow_loopback_urls,
        allowed_hosts=tuple(args.allowed_host),
    )


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    config = config_from_args(args)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(message)s")
    # chDB resolves relative file() paths against the working directory: make it the one
    # directory file() may use (sandbox.py checks the paths against it too).
    config.data_dir.mkdir(parents=True, exist_ok=True)
    user_files = config.sandbox_policy.user_files
    user_files.mkdir(parents=True, exist_ok=True)
    os.chdir(user_files)
    uvicorn.run(
        create_app(config),
        host=config.host,
        port=config.port,
        log_level=args.log_level,
        access_log=False,
        # h11 with deadlines for slow clients (guard.py); refuses bad request lines with 400.
        http=guard.protocol_with_timeouts(args.header_timeout, args.body_idle_timeout),
        # Let in-flight inserts finish on SIGTERM; the engine then drains and closes.
        timeout_graceful_shutdown=30,
        lifespan="on",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
