"""What the endpoint refuses before a request reaches ClickHouse: browsers and slow clients.

The endpoint runs on a developer's laptop, where any web page they open can send requests to
127.0.0.1:8123. Three checks keep those pages out, in this order, each answered in ClickHouse's
error shape with HTTP 403 (`ACCESS_DENIED`):

* **Host allow-list** (DNS rebinding): a page on `rebind.attacker.example` whose name is made to
  resolve to 127.0.0.1 sends `Host: rebind.attacker.example:8123`. Only `127.0.0.1`, `localhost`
  and `[::1]` on the endpoint's own port are answered (plus the bound address and any
  `--allowed-host` when bound off loopback).
* **Foreign `Origin`** (CSRF): browsers send `Origin` on cross-site POSTs (including the "simple"
  `text/plain` ones that need no CORS preflight). Any Origin other than the endpoint's own is
  refused; clients that are not browsers send none.
* **`Sec-Fetch-Site: cross-site` or `same-site`**: browsers also mark no-cors GETs (`<img src>`),
  which carry no Origin, this way.

And the HTTP layer itself:

* An HTTP version other than 1.0 or 1.1 in the request line is answered 505.
* **Slow clients** (slowloris): the request line and headers must arrive within
  `HEADER_TIMEOUT_S` of the connection opening (or of the previous response, on a kept-alive
  connection), and a request body may pause for at most `BODY_IDLE_TIMEOUT_S` between chunks;
  otherwise the connection is closed. Idle kept-alive connections close after uvicorn's
  keep-alive timeout (5 s).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

import h11  # pants: no-infer-dep (installed with uvicorn)
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT_S = 10.0
BODY_IDLE_TIMEOUT_S = 30.0
SUPPORTED_HTTP_VERSIONS = frozenset({"1.0", "1.1"})
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def allowed_hosts(port: int, extra: Iterable[str] = ()) -> frozenset[str]:
    """`Host` header values answered: loopback names on `port`, and `extra` names on `port`."""
    names = [*LOOPBACK_NAMES, *(_host_name(e) for e in extra)]
    hosts = {f"{name}:{port}" for name in names}
    if port == 80:  # a client may leave out the default port
        hosts.update(names)
    return frozenset(h.lower() for h in hosts)


def _host_name(host: str) -> str:
    """An address as it appears in a Host header: IPv6 in brackets."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


class RequestGuard:
    """ASGI middleware: the Host, Origin, Sec-Fetch-Site and HTTP-version checks above."""

    def __init__(
        self,
        app: ASGIApp,
        hosts: frozenset[str],
        refuse: Callable[[str], Response],
    ) -> None:
        self.app = app
        self.hosts = hosts
        self.origins = frozenset(f"http://{host}" for host in hosts)
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response = self.check(scope)
        if response is not None:
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def check(self, scope: Scope) -> Response | None:
        version = scope.get("http_version", "1.1")
        if version not in SUPPORTED_HTTP_VERSIONS:
            return PlainTextResponse(
                f"HTTP/{version} is not supported; use HTTP/1.1\n",
                status_code=505,
                headers={"Connection": "close"},
            )
        headers = Headers(scope=scope)
        host = headers.get("host", "").strip().lower()
        if host not in self.hosts:
            return self.refuse(
                f"Host {host[:100]!r} is not allowed: this endpoint answers "
                f"{', '.join(sorted(self.hosts))} (DNS rebinding protection)"
            )
        origin = headers.get("origin")
        if origin is not None and origin.strip().lower() not in self.origins:
            return self.refuse(
                f"Cross-origin requests are refused (Origin {origin[:100]!r}): "
                "web pages may not query the local endpoint"
            )
        site = headers.get("sec-fetch-site", "").strip().lower()
        if site in ("cross-site", "same-site"):
            return self.refuse(
                f"Cross-site requests are refused (Sec-Fetch-Site: {site}): "
                "web pages may not query the local endpoint"
            )
        return None


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with deadlines for slow clients (see the module docstring)."""

    header_timeout_s = HEADER_TIMEOUT_S
    body_idle_timeout_s = BODY_IDLE_TIMEOUT_S

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._deadline: asyncio.TimerHandle | None = None

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.logger.info("chlocal: closing a connection that was too slow to send its request")
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.header_timeout_s)

    def data_received(self, data: bytes) -> None:
        awaiting_head = self.conn.their_state is h11.IDLE
        super().data_received(data)
        their = self.conn.their_state
        if their is h11.SEND_BODY:
            # Headers are in; the body may pause, but not for long.
            self._arm(self.body_idle_timeout_s)
        elif their is h11.IDLE and awaiting_head:
            # Still in the request line or headers: the deadline set when waiting began stands.
            if self._deadline is None:
                self._arm(self.header_timeout_s)
        else:
            # The whole request is in (or the connection is ending): the query may take its time.
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm(self.header_timeout_s)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def protocol_with_timeouts(
    header_timeout_s: float, body_idle_timeout_s: float
) -> type[H11Protocol]:
    """GuardedH11Protocol with other deadlines (the CLI's --header-timeout/--body-idle-timeout)."""
    return type(
        "GuardedH11Protocol",
        (GuardedH11Protocol,),
        {"header_timeout_s": header_timeout_s, "body_idle_timeout_s": body_idle_timeout_s},
    )
