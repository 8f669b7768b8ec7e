"""guard.py on its own: the Host allow-list, the browser checks and the protocol's deadlines."""

from __future__ import annotations

import pytest
from starlette.responses import PlainTextResponse, Response

from chlocal import guard


def _guard(port: int = 8123) -> guard.RequestGuard:
    def refuse(message: str) -> Response:
        return PlainTextResponse(message, status_code=403)

    async def app(scope: object, receive: object, send: object) -> None:  # pragma: no cover
        raise AssertionError("not reached in these tests")

    return guard.RequestGuard(app, guard.allowed_hosts(port), refuse)


def _scope(headers: dict[str, str], version: str = "1.1") -> dict[str, object]:
    return {
        "type": "http",
        "http_version": version,
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }


def test_allowed_hosts_are_loopback_names_on_the_port() -> None:
    assert guard.allowed_hosts(8123) == {"127.0.0.1:8123", "localhost:8123", "[::1]:8123"}
    assert "localhost" in guard.allowed_hosts(80)  # the default port may be left out
    assert "[fd00::5]:8123" in guard.allowed_hosts(8123, ["fd00::5"])


@pytest.mark.parametrize(
    ("headers", "refused"),
    [
        ({"Host": "127.0.0.1:8123"}, False),
        ({"Host": "LocalHost:8123", "Origin": "http://localhost:8123"}, False),
        ({"Host": "127.0.0.1:8123", "Sec-Fetch-Site": "same-origin"}, False),
        ({"Host": "127.0.0.1:8123", "Sec-Fetch-Site": "none"}, False),
        ({"Host": "rebind.attacker.example:8123"}, True),
        ({}, True),
        ({"Host": "127.0.0.1:8123", "Origin": "https://evil.example"}, True),
        ({"Host": "127.0.0.1:8123", "Origin": "null"}, True),
        ({"Host": "127.0.0.1:8123", "Sec-Fetch-Site": "cross-site"}, True),
        ({"Host": "127.0.0.1:8123", "Sec-Fetch-Site": "same-site"}, True),
    ],
)
def test_request_checks(headers: dict[str, str], refused: bool) -> None:
    response = _guard().check(_scope(headers))
    assert (response is not None and response.status_code == 403) is refused


@pytest.mark.parametrize("version", ["1.7", "2.0", "9.9", "0.9"])
def test_http_versions_other_than_1_0_and_1_1_get_505(version: str) -> None:
    response = _guard().check(_scope({"Host": "127.0.0.1:8123"}, version))
    assert response is not None and response.status_code == 505


def test_protocol_with_timeouts() -> None:
    protocol = guard.protocol_with_timeouts(1.5, 2.5)
    assert issubclass(protocol, guard.GuardedH11Protocol)
    assert (protocol.header_timeout_s, protocol.body_idle_timeout_s) == (1.5, 2.5)
    assert (guard.HEADER_TIMEOUT_S, guard.BODY_IDLE_TIMEOUT_S) == (10.0, 30.0)
