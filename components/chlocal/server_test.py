from __future__ import annotations

import os
import subprocess
import sys
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
    exposed = server.config_from_args(server._parse_args(["--host", "0.0.0.0", "--password", "s3"]))
    assert exposed.auth.require
    assert exposed.data_dir == server.polo_home() / "clickhouse"


def test_cli_refuses_required_auth_with_empty_password() -> None:
    with pytest.raises(SystemExit, match="empty password"):
        server.config_from_args(server._parse_args(["--require-auth", "--password", ""]))
    with pytest.raises(SystemExit, match="explicit password"):
        server.config_from_args(server._parse_args(["--host", "0.0.0.0", "--password", ""]))


def _app(require: bool) -> TestClient:
    config = server.ServerConfig(
        data_dir=Path("/nonexistent"),
        auth=auth.AuthPolicy(credentials=auth.Credentials(user="u", password="p"), require=require),
    )
    # No `with`: the lifespan (which opens chDB) does not run, so no engine exists.
    return TestClient(server.create_app(config), base_url="http://127.0.0.1:8123")


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


# Issue 20: what a web page on the developer's laptop could do to 127.0.0.1:8123.


def test_cross_site_post_is_refused_before_anything_runs() -> None:
    # The CSRF that got through: a "simple" POST needs no CORS preflight.
    response = _app(require=False).post(
        "/",
        content=b"CREATE TABLE csrf (a UInt8) ENGINE = Memory",
        headers={"Origin": "https://evil.example", "Content-Type": "text/plain"},
    )
    assert response.status_code == 403
    assert response.headers["X-ClickHouse-Exception-Code"] == "497"
    assert "Cross-origin requests are refused" in response.text


@pytest.mark.parametrize("origin", ["null", "http://127.0.0.1:5173", "http://localhost:8124"])
def test_any_foreign_origin_is_refused(origin: str) -> None:
    response = _app(require=False).get(
        "/", params={"query": "SELECT 1"}, headers={"Origin": origin}
    )
    assert response.status_code == 403


def test_no_cors_get_marked_cross_site_is_refused() -> None:
    response = _app(require=False).get(
        "/", params={"query": "SELECT 1"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "host", ["rebind.attacker.example:8123", "127.0.0.1:9999", "127.0.0.1", "evil:8123", ""]
)
def test_hosts_other_than_loopback_on_our_port_are_refused(host: str) -> None:
    response = _app(require=False).get("/ping", headers={"Host": host})
    assert response.status_code == 403
    assert "DNS rebinding" in response.text


@pytest.mark.parametrize(
    "host", ["127.0.0.1:8123", "localhost:8123", "LOCALHOST:8123", "[::1]:8123"]
)
def test_loopback_hosts_and_same_origin_are_served(host: str) -> None:
    origin = f"http://{host.lower()}"
    response = _app(require=False).get("/ping", headers={"Host": host, "Origin": origin})
    assert (response.status_code, response.text) == (200, "Ok.\n")


def test_off_loopback_the_bound_address_and_named_hosts_are_answered_too() -> None:
    config = server.config_from_args(
        server._parse_args(
            ["--host", "10.0.0.5", "--password", "s3", "--allowed-host", "devbox.lan"]
        )
    )
    assert {"10.0.0.5:8123", "devbox.lan:8123", "127.0.0.1:8123"} <= config.host_allow_list


@pytest.mark.parametrize(
    "argv",
    [
        ["--host", "0.0.0.0"],
        ["--host", "0.0.0.0", "--password", "polo"],
        ["--host", "192.168.1.5", "--password", "s3", "--no-require-auth"],
    ],
)
def test_off_loopback_refuses_to_start_without_an_explicit_password(argv: list[str]) -> None:
    with pytest.raises(SystemExit, match="refusing"):
        server.config_from_args(server._parse_args(argv))


def test_the_process_itself_refuses_to_start_on_0_0_0_0(tmp_path: Path) -> None:
    # The attack: `--host 0.0.0.0` started with the well-known default password.
    env = {k: v for k, v in os.environ.items() if k != "POLO_CHLOCAL_PASSWORD"}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    done = subprocess.run(
        [sys.executable, "-m", "chlocal.server", "--host", "0.0.0.0", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode != 0
    assert "without an explicit password" in done.stderr


def test_off_loopback_with_an_explicit_password_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POLO_CHLOCAL_PASSWORD", "a-real-secret")
    config = server.config_from_args(server._parse_args(["--host", "0.0.0.0"]))
    assert config.auth.require
    assert config.auth.credentials.password == "a-real-secret"


def test_a_raw_body_past_the_cap_is_refused_with_413(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLO_CHLOCAL_MAX_BODY_BYTES", "1024")
    declared = _app(require=False).post("/", content=b"x" * 2048)
    assert declared.status_code == 413
    assert declared.headers["X-ClickHouse-Exception-Code"] == "229"

    def chunked():  # no Content-Length: counted while it streams
        for _ in range(4):
            yield b"x" * 512

    streamed = _app(require=False).post("/", content=chunked())
    assert streamed.status_code == 413
