from __future__ import annotations

import base64

import pytest

from chlocal import auth
from chlocal.errors import ClickHouseException

SECRET = auth.Credentials(user="polo", password="s3cret")


def basic(user: str, password: str) -> dict[str, str]:
    return {"authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.mark.parametrize(
    ("host", "required"),
    [
        ("127.0.0.1", False),
        ("localhost", False),
        ("::1", False),
        ("0.0.0.0", True),
        ("10.0.0.5", True),
    ],
)
def test_credentials_required_off_loopback(host: str, required: bool) -> None:
    assert auth.default_policy(host).require is required


def test_header_basic_and_url_credentials_in_clickhouse_precedence() -> None:
    headers = {"x-clickhouse-user": "a", "x-clickhouse-key": "k", **basic("b", "p")}
    assert auth.presented_credentials(headers, {"user": "c"}) == auth.Credentials(
        user="a", password="k"
    )
    assert auth.presented_credentials(basic("b", "p:x"), {}) == auth.Credentials(
        user="b", password="p:x"
    )
    assert auth.presented_credentials({}, {"user": "c", "password": "q"}) == auth.Credentials(
        user="c", password="q"
    )
    assert auth.presented_credentials({}, {}) is None


def test_malformed_basic_header_is_an_auth_error() -> None:
    with pytest.raises(ClickHouseException) as caught:
        auth.presented_credentials({"authorization": "Basic ???"}, {})
    assert caught.value.code == 516


def test_anonymous_allowed_only_when_not_required() -> None:
    open_policy = auth.AuthPolicy(credentials=SECRET, require=False)
    assert auth.authenticate(open_policy, None) == "default"
    assert (
        auth.authenticate(open_policy, auth.Credentials(user="default", password="")) == "default"
    )
    closed = auth.AuthPolicy(credentials=SECRET, require=True)
    with pytest.raises(ClickHouseException) as caught:
        auth.authenticate(closed, None)
    assert (caught.value.code, caught.value.http_status) == (194, 401)


def test_wrong_credentials_fail_even_when_not_required() -> None:
    open_policy = auth.AuthPolicy(credentials=SECRET, require=False)
    assert auth.authenticate(open_policy, SECRET) == "polo"
    with pytest.raises(ClickHouseException) as caught:
        auth.authenticate(open_policy, auth.Credentials(user="polo", password="wrong"))
    assert (caught.value.code, caught.value.http_status) == (516, 403)
