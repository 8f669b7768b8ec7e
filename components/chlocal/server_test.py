from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from chlocal import auth, server
from chlocal.errors import ClickHouseException


def test_url_parameters_split_into_bindings_settings_and_transport() -> None:
    request = server._Endpoint._build_request(
        "POST",
        {
            "query": "INSERT INTO t FORMAT CSV",
            "param_day": "2026-01-01",
            "max_threads": "2",
            "session_id": "s1",
            "session_timeout": "120",
            "wait_end_of_query": "1",
            "enable_http_compression": "1",
            "database": "polo",
            "default_format": "JSON",
            "query_id": "q1",
        },
        b"1,2\n",
    )
    assert request.sql == b"INSERT INTO t FORMAT CSV\n1,2\n"
    assert dict(request.params) == {"day": "2026-01-01"}
    assert dict(request.settings) == {"max_threads": "2"}
    assert (request.database, request.default_format) == ("polo", "JSON")
    assert (request.session_id, request.session_timeout_s, request.query_id) == ("s1", 120.0, "q1")
    assert not request.read_only_method


def test_get_queries_are_marked_readonly_and_body_only_posts_work() -> None:
    assert server._Endpoint._build_request("GET", {"query": "SELECT 1"}, b"").read_only_method
    assert server._Endpoint._build_request("POST", {}, b"SELECT 1").sql == b"SELECT 1"


def test_native_block_compression_is_refused_clearly() -> None:
    with pytest.raises(ClickHouseException) as caught:
        server._Endpoint._build_request("POST", {"decompress": "1"}, b"")
    assert caught.value.http_status == 501


def test_bad_session_timeout() -> None:
    with pytest.raises(ClickHouseException) as caught:
        server._Endpoint._build_request("POST", {"session_timeout": "soon"}, b"SELECT 1")
    assert caught.value.code == 374


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("TabSeparated", "text/tab-separated-values; charset=UTF-8"),
        ("TSVWithNames", "text/tab-separated-values; charset=UTF-8"),
        ("JSONEachRow", "application/json; charset=UTF-8"),
        ("Native", "application/octet-stream"),
        ("RowBinaryWithNamesAndTypes", "application/octet-stream"),
        ("CSV", "text/csv; charset=UTF-8; header=absent"),
        (None, "text/plain; charset=UTF-8"),
    ],
)
def test_content_types(fmt: str | None, expected: str) -> None:
    assert server.content_type(fmt) == expected


def test_cli_defaults_bind_loopback_without_required_auth(tmp_path: Path) -> None:
    config = server.config_from_args(server._parse_args(["--data-dir", str(tmp_path)]))
    assert (config.host, config.port, config.auth.require) == ("127.0.0.1", 8123, False)
    exposed = server.config_from_args(server._parse_args(["--host", "0.0.0.0"]))
    assert exposed.auth.require
    assert exposed.data_dir == server.polo_home() / "clickhouse"


def test_cli_refuses_required_auth_with_empty_password() -> None:
    with pytest.raises(SystemExit, match="empty password"):
        server.config_from_args(server._parse_args(["--host", "0.0.0.0", "--password", ""]))


def _app(require: bool) -> TestClient:
    config = server.ServerConfig(
        data_dir=Path("/nonexistent"),
        auth=auth.AuthPolicy(credentials=auth.Credentials(user="u", password="p"), require=require),
    )
    # No `with`: the lifespan (which opens chDB) does not run, so no engine exists.
    return TestClient(server.create_app(config))


def test_ping_needs_no_credentials() -> None:
    response = _app(require=True).get("/ping")
    assert (response.status_code, response.text) == (200, "Ok.\n")


def test_credentials_are_checked_before_anything_runs() -> None:
    response = _app(require=True).get("/", params={"query": "SELECT 1"})
    assert response.status_code == 401
    assert response.headers["X-ClickHouse-Exception-Code"] == "194"
    assert response.text.startswith("Code: 194. DB::Exception: ")


def test_query_before_the_engine_is_ready_is_refused() -> None:
    response = _app(require=False).get("/", params={"query": "SELECT 1"})
    assert response.status_code == 500
    assert "not ready" in response.text
