"""Issue 20's attack run against a real endpoint process, each test the request that got through.

The endpoint runs on a developer's laptop, where any web page can send requests to it; these
tests send what such a page (or a slow or malformed client) sends and assert the refusal.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from chlocal.process import Endpoint, running_endpoint

HEADER_TIMEOUT_S = 2.0
BODY_IDLE_TIMEOUT_S = 2.0


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    data_dir = tmp_path_factory.mktemp("guarded") / "clickhouse"
    timeouts = ["--header-timeout", str(HEADER_TIMEOUT_S)]
    timeouts += ["--body-idle-timeout", str(BODY_IDLE_TIMEOUT_S)]
    with running_endpoint(data_dir, extra_args=timeouts) as running:
        yield running


@pytest.fixture
def http(guarded: Endpoint) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=guarded.url, timeout=30) as client:
        yield client


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    """A secret outside the data directory, like ~/.aws/credentials."""
    path = tmp_path / "credentials"
    path.write_text(f"aws_secret_access_key = canary-{uuid.uuid4().hex}\n")
    return path


def _exists(http: httpx.Client, table: str) -> bool:
    response = http.get("/", params={"query": f"EXISTS TABLE {table}"})
    assert response.status_code == 200, response.text
    return response.text.strip() == "1"


def test_cross_site_post_does_not_execute(http: httpx.Client) -> None:
    table = f"csrf_{uuid.uuid4().hex[:8]}"
    response = http.post(
        "/",
        content=f"CREATE TABLE {table} (a UInt8) ENGINE = Memory".encode(),
        headers={"Origin": "https://evil.example", "Content-Type": "text/plain"},
    )
    assert response.status_code == 403
    assert response.headers["X-ClickHouse-Exception-Code"] == "497"
    assert not _exists(http, table)


def test_dns_rebinding_host_is_refused(http: httpx.Client, guarded: Endpoint) -> None:
    response = http.get(
        "/",
        params={"query": "SELECT 1"},
        headers={"Host": f"rebind.attacker.example:{guarded.port}"},
    )
    assert response.status_code == 403
    assert "DNS rebinding" in response.text


def test_file_reads_outside_the_user_files_directory_are_refused(
    http: httpx.Client, canary: Path
) -> None:
    secret = canary.read_text().split("= ")[1].strip()
    for sql in (
        f"SELECT * FROM file('{canary}', 'RawBLOB')",
        f"SELECT file('{canary}')",
        f"SELECT * FROM file('../../../../../../../..{canary}', 'RawBLOB')",
    ):
        response = http.post("/", content=sql.encode())
        assert response.status_code == 403, (sql, response.text)
        assert "ACCESS_DENIED" in response.text
        assert secret not in response.text


def test_files_as_tables_in_the_default_database_are_gone(http: httpx.Client, canary: Path) -> None:
    # clickhouse-local's default database serves any file as a table; the engine replaced it.
    secret = canary.read_text().split("= ")[1].strip()
    for sql in (f"SELECT * FROM '{canary}'", f"SELECT * FROM default.`{canary}`"):
        response = http.post("/", content=sql.encode())
        assert response.status_code != 200, sql
        assert secret not in response.text


def test_file_writes_outside_are_refused_and_inside_work(
    http: httpx.Client, tmp_path: Path, guarded: Endpoint
) -> None:
    outside = tmp_path / "written-by-a-web-page"
    response = http.post(
        "/", content=f"INSERT INTO FUNCTION file('{outside}', 'RawBLOB') SELECT 'x'".encode()
    )
    assert response.status_code == 403
    assert not outside.exists()

    name = f"ok-{uuid.uuid4().hex[:8]}.tsv"
    written = http.post(
        "/", content=f"INSERT INTO FUNCTION file('{name}', 'TSV') SELECT 'inside'".encode()
    )
    assert written.status_code == 200, written.text
    assert (guarded.data_dir / "user_files" / name).read_text() == "inside\n"
    read = http.get("/", params={"query": f"SELECT * FROM file('{name}', 'TSV')"})
    assert read.text == "inside\n"


def test_url_toward_loopback_is_refused(http: httpx.Client, guarded: Endpoint) -> None:
    table = f"ssrf_{uuid.uuid4().hex[:8]}"
    target = f"http://127.0.0.1:{guarded.port}/?query=CREATE+TABLE+{table}+(a+UInt8)+ENGINE=Memory"
    response = http.get("/", params={"query": f"SELECT * FROM url('{target}', 'RawBLOB')"})
    assert response.status_code == 403
    assert "--allow-loopback-urls" in response.text
    assert not _exists(http, table)


def test_get_is_readonly_even_when_it_asks_for_readonly_0(http: httpx.Client) -> None:
    table = f"ro_{uuid.uuid4().hex[:8]}"
    response = http.get(
        "/",
        params={"query": f"CREATE TABLE {table} (a UInt8) ENGINE = Memory", "readonly": "0"},
    )
    assert response.status_code != 200
    assert "readonly" in response.text.lower()
    assert not _exists(http, table)
    sneaky = http.get(
        "/",
        params={"query": "SELECT 1 SETTINGS readonly = 0"},
    )
    assert sneaky.status_code != 200
    # POST still writes.
    created = http.post("/", content=f"CREATE TABLE {table} (a UInt8) ENGINE = Memory".encode())
    assert created.status_code == 200, created.text
    assert _exists(http, table)


def _raw(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


@pytest.mark.parametrize("version", [b"HTTP/1.7", b"HTTP/2.0", b"HTTP/9.9"])
def test_bad_http_version_line_is_refused(guarded: Endpoint, version: bytes) -> None:
    answer = _raw(
        guarded.port,
        b"GET /?query=SELECT%201 " + version + b"\r\nHost: 127.0.0.1:%d\r\n"
        b"Connection: close\r\n\r\n" % guarded.port,
    )
    status_line = answer.split(b"\r\n", 1)[0]
    assert b" 200 " not in status_line
    assert b" 505 " in status_line


def test_slow_connections_are_closed_after_the_documented_timeout(guarded: Endpoint) -> None:
    # Half the attack run's slowloris connections were still open after 60 s.
    heads = []
    for _ in range(10):
        sock = socket.create_connection(("127.0.0.1", guarded.port), timeout=30)
        sock.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # headers never finished
        heads.append(sock)
    bodies = []
    for _ in range(10):
        sock = socket.create_connection(("127.0.0.1", guarded.port), timeout=30)
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: 1000\r\n\r\nSELECT"
            % guarded.port
        )  # body stalls
        bodies.append(sock)
    idle = socket.create_connection(("127.0.0.1", guarded.port), timeout=30)  # sends nothing
    started = time.monotonic()
    for sock in [*heads, *bodies, idle]:
        try:
            while sock.recv(65536):
                pass  # the server may answer before closing; read until it closes
        except ConnectionResetError:
            pass
        finally:
            sock.close()
    elapsed = time.monotonic() - started
    assert elapsed < max(HEADER_TIMEOUT_S, BODY_IDLE_TIMEOUT_S) + 5, elapsed


def test_a_slow_but_steady_body_is_not_cut_off(guarded: Endpoint) -> None:
    # Pauses shorter than the idle timeout are fine, however long the body takes in total.
    sql = b"SELECT 'steady' FORMAT TSV"
    with socket.create_connection(("127.0.0.1", guarded.port), timeout=30) as sock:
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n\r\n" % (guarded.port, len(sql))
        )
        for i in range(0, len(sql), 8):
            time.sleep(BODY_IDLE_TIMEOUT_S / 2)
            sock.sendall(sql[i : i + 8])
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    assert answer.endswith(b"steady\n")
