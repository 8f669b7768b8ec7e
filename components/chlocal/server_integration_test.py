"""The endpoint driven by the official clickhouse-connect client and by plain HTTP (httpx),
the way the collectors and the Worker's `fetch` client reach it."""

from __future__ import annotations

import base64
import json
import struct
import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import clickhouse_connect
import httpx
import pytest
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import DatabaseError

from chlocal.process import Endpoint, running_endpoint, stop

TABLE_DDL = (
    "CREATE TABLE {db}.items (id UInt32, name String, cost Decimal(18, 6), day Date, "
    "tags Map(String, String)) ENGINE = MergeTree ORDER BY id"
)


@pytest.fixture
def items(client: Client) -> str:
    client.command(TABLE_DDL.format(db=client.database))
    return f"{client.database}.items"


def test_connect_reports_version_and_timezone(client: Client) -> None:
    assert client.server_version.startswith("26.")
    assert client.command("SELECT version()") == client.server_version
    assert str(client.server_tz) in ("UTC", "Etc/UTC")
    assert client.ping()


def test_insert_native_and_read_back_typed(client: Client, items: str) -> None:
    rows = [
        [1, "a", Decimal("1.250000"), date(2026, 1, 1), {"Customer": "acme"}],
        [2, "tab\there", Decimal("0.000001"), date(2026, 1, 2), {}],
    ]
    summary = client.insert(items, rows, column_names=["id", "name", "cost", "day", "tags"])
    assert summary.written_rows == 2
    result = client.query(f"SELECT id, name, cost, day, tags FROM {items} ORDER BY id")
    assert [list(r) for r in result.result_rows] == rows


def test_parameterised_queries_server_side_and_client_side(client: Client, items: str) -> None:
    client.insert(
        items,
        [[7, "it's", Decimal("3"), date(2026, 2, 1), {}]],
        ["id", "name", "cost", "day", "tags"],
    )
    server_side = client.query(
        f"SELECT id FROM {items} WHERE name = {{name:String}} AND day >= {{day:Date}}",
        parameters={"name": "it's", "day": date(2026, 1, 31)},
    )
    assert server_side.result_rows == [(7,)]
    client_side = client.query(f"SELECT id FROM {items} WHERE name = %(name)s", {"name": "it's"})
    assert client_side.result_rows == [(7,)]


@pytest.mark.parametrize(
    ("fmt", "payload"),
    [
        ("JSONEachRow", b'{"id": 1, "name": "x"}\n{"id": 2, "name": "y"}\n'),
        ("TabSeparated", b"1\tx\n2\ty\n"),
        ("CSV", b'1,"x"\n2,"y"\n'),
        ("RowBinary", struct.pack("<I", 1) + b"\x01x" + struct.pack("<I", 2) + b"\x01y"),
    ],
)
def test_raw_insert_each_text_and_binary_format(
    client: Client, items: str, fmt: str, payload: bytes
) -> None:
    client.raw_insert(items, ["id", "name"], payload, fmt=fmt)
    assert client.query(f"SELECT id, name FROM {items} ORDER BY id").result_rows == [
        (1, "x"),
        (2, "y"),
    ]


def test_native_insert_whose_first_byte_is_whitespace(client: Client, items: str) -> None:
    # A Native block for 10 columns starts with 0x0a ('\n'): the split after FORMAT must keep it.
    client.command(
        f"CREATE TABLE {client.database}.wide (a0 UInt8, a1 UInt8, a2 UInt8, a3 UInt8, "
        "a4 UInt8, a5 UInt8, a6 UInt8, a7 UInt8, a8 UInt8, a9 UInt8) ENGINE = Memory"
    )
    client.insert("wide", [list(range(10))], column_names=[f"a{i}" for i in range(10)])
    assert client.query("SELECT * FROM wide").result_rows == [tuple(range(10))]


def test_plain_http_get_post_and_query_in_url_with_rows_in_body(
    endpoint: Endpoint, client: Client, items: str
) -> None:
    url = endpoint.url
    with httpx.Client() as http:
        created = http.post(
            url,
            params={"query": f"INSERT INTO {items} (id, name) FORMAT CSV"},
            content=b"1,one\n2,two\n",
        )
        assert created.status_code == 200, created.text
        assert json.loads(created.headers["X-ClickHouse-Summary"])["written_rows"] == "2"
        assert "X-ClickHouse-Format" not in created.headers
        in_body = http.post(url, content=f"INSERT INTO {items} (id, name) FORMAT TSV\n3\tthree\n")
        assert in_body.status_code == 200, in_body.text
        got = http.get(
            url,
            params={
                "query": f"SELECT id, name FROM {items} WHERE id >= {{min:UInt32}} ORDER BY id",
                "param_min": "2",
                "default_format": "JSONEachRow",
            },
        )
        assert got.status_code == 200
        assert got.headers["X-ClickHouse-Format"] == "JSONEachRow"
        assert [json.loads(line) for line in got.text.splitlines()] == [
            {"id": 2, "name": "two"},
            {"id": 3, "name": "three"},
        ]
        posted = http.post(
            url,
            params={"database": client.database},
            content="SELECT count() FROM items FORMAT JSON",
        )
        assert posted.headers["X-ClickHouse-Format"] == "JSON"
        assert posted.json()["data"] == [{"count()": 3}]
        for header in (
            "X-ClickHouse-Server-Display-Name",
            "X-ClickHouse-Query-Id",
            "X-ClickHouse-Timezone",
        ):
            assert posted.headers[header]


def test_settings_in_url_apply_to_that_query_only(endpoint: Endpoint) -> None:
    with httpx.Client() as http:
        limited = http.get(
            endpoint.url, params={"query": "SELECT getSetting('max_threads')", "max_threads": "1"}
        )
        assert limited.text == "1\n"
        default = http.get(endpoint.url, params={"query": "SELECT getSetting('max_threads') = 1"})
        assert default.text == "0\n"
        unknown = http.get(endpoint.url, params={"query": "SELECT 1", "no_such_setting": "1"})
        assert unknown.status_code == 404
        assert unknown.headers["X-ClickHouse-Exception-Code"] == "115"


def test_get_is_readonly_like_clickhouse(endpoint: Endpoint, client: Client) -> None:
    response = httpx.get(
        endpoint.url,
        params={"query": f"CREATE TABLE {client.database}.nope (a UInt8) ENGINE = Memory"},
    )
    assert response.status_code == 500
    assert response.headers["X-ClickHouse-Exception-Code"] == "164"
    assert "(READONLY)" in response.text


def test_sessions_keep_use_and_set(endpoint: Endpoint) -> None:
    session = clickhouse_connect.get_client(host="127.0.0.1", port=endpoint.port)
    session.command("SET max_threads = 1")
    assert session.command("SELECT getSetting('max_threads')") == 1
    session.command("USE system")
    assert session.command("SELECT currentDatabase()") == "system"
    other = clickhouse_connect.get_client(host="127.0.0.1", port=endpoint.port)
    assert other.command("SELECT getSetting('max_threads') = 1") == 0
    assert other.command("SELECT currentDatabase()") == "default"


@pytest.mark.parametrize(
    ("sql", "status", "code", "name"),
    [
        ("SELECT * FROM no_such_table", 404, 60, "UNKNOWN_TABLE"),
        ("SELEC 1", 400, 62, "SYNTAX_ERROR"),
        ("SELECT 1; SELECT 2", 400, 62, "SYNTAX_ERROR"),
        ("SELECT no_such_function(1)", 404, 46, "UNKNOWN_FUNCTION"),
        ("SELECT throwIf(1)", 500, 395, "FUNCTION_THROW_IF_VALUE_IS_NON_ZERO"),
    ],
)
def test_errors_have_clickhouse_codes_and_statuses(
    endpoint: Endpoint, sql: str, status: int, code: int, name: str
) -> None:
    response = httpx.post(endpoint.url, content=sql)
    assert response.status_code == status
    assert response.headers["X-ClickHouse-Exception-Code"] == str(code)
    assert response.text.startswith(f"Code: {code}. DB::Exception: ")
    assert f"({name})" in response.text


def test_bad_rows_are_rejected_with_a_parse_error_and_insert_nothing(
    client: Client, items: str
) -> None:
    with pytest.raises(DatabaseError) as caught:
        client.raw_insert(items, ["id", "name"], b"1,ok\nnot-a-number,bad\n", fmt="CSV")
    assert caught.value.code in (6, 27, 72)
    assert client.command(f"SELECT count() FROM {items}") == 0


def test_client_errors_carry_the_code(client: Client) -> None:
    with pytest.raises(DatabaseError) as caught:
        client.query("SELECT * FROM missing_table")
    assert caught.value.code == 60


def test_eight_concurrent_clients_lose_and_duplicate_nothing(
    endpoint: Endpoint, client: Client, items: str
) -> None:
    workers, batches, rows_per_batch = 8, 15, 40
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            own = clickhouse_connect.get_client(
                host="127.0.0.1", port=endpoint.port, database=client.database
            )
            for batch in range(batches):
                base = (worker * batches + batch) * rows_per_batch
                own.insert(
                    "items",
                    [
                        [base + i, f"w{worker}", Decimal("0.01"), date(2026, 1, 1), {}]
                        for i in range(rows_per_batch)
                    ],
                    column_names=["id", "name", "cost", "day", "tags"],
                )
                seen = own.command(f"SELECT count() FROM items WHERE name = 'w{worker}'")
                assert seen == (batch + 1) * rows_per_batch
            own.close()
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    total = workers * batches * rows_per_batch
    assert client.query(f"SELECT count(), uniqExact(id), sum(cost) FROM {items}").result_rows == [
        (total, total, Decimal("0.01") * total)
    ]


def test_ping(endpoint: Endpoint) -> None:
    assert httpx.get(f"{endpoint.url}/ping").text == "Ok.\n"
    assert httpx.get(endpoint.url).text == "Ok.\n"


def test_auth_required_checks_every_credential_form(tmp_path: Path) -> None:
    with running_endpoint(
        tmp_path / "clickhouse",
        extra_args=["--require-auth", "--user", "polo", "--password", "s3cret"],
    ) as secured:
        query = {"query": "SELECT 1"}
        anonymous = httpx.get(secured.url, params=query)
        assert anonymous.status_code == 401
        assert anonymous.headers["X-ClickHouse-Exception-Code"] == "194"
        wrong = httpx.get(secured.url, params=query, auth=("polo", "nope"))
        assert wrong.status_code == 403
        assert wrong.headers["X-ClickHouse-Exception-Code"] == "516"
        assert httpx.get(secured.url, params=query, auth=("polo", "s3cret")).text == "1\n"
        headers = {"X-ClickHouse-User": "polo", "X-ClickHouse-Key": "s3cret"}
        assert httpx.get(secured.url, params=query, headers=headers).text == "1\n"
        token = base64.b64encode(b"polo:s3cret").decode()
        assert (
            httpx.get(
                secured.url, params=query, headers={"Authorization": f"Basic {token}"}
            ).status_code
            == 200
        )
        assert httpx.get(f"{secured.url}/ping").status_code == 200
        official = clickhouse_connect.get_client(
            host="127.0.0.1", port=secured.port, username="polo", password="s3cret"
        )
        assert official.command("SELECT 42") == 42
        with pytest.raises(DatabaseError) as caught:
            clickhouse_connect.get_client(
                host="127.0.0.1", port=secured.port, username="polo", password="x"
            )
        assert caught.value.code == 516


def test_sigterm_keeps_every_acknowledged_insert(tmp_path: Path) -> None:
    data_dir = tmp_path / "clickhouse"
    acknowledged = 0
    batch_rows = 50
    with running_endpoint(data_dir) as first:
        own = clickhouse_connect.get_client(host="127.0.0.1", port=first.port)
        own.command(
            "CREATE TABLE default.acked (id UInt64, at DateTime64(3)) "
            "ENGINE = MergeTree ORDER BY id"
        )
        stop_inserting = threading.Event()

        def insert_until_stopped() -> None:
            nonlocal acknowledged
            batch = 0
            while not stop_inserting.is_set():
                rows = [[batch * batch_rows + i, datetime.now(UTC)] for i in range(batch_rows)]
                try:
                    own.insert("default.acked", rows, column_names=["id", "at"])
                except Exception:
                    return  # the server went away mid-request: not acknowledged
                acknowledged += batch_rows
                batch += 1

        inserter = threading.Thread(target=insert_until_stopped)
        inserter.start()
        while acknowledged < 10 * batch_rows:
            threading.Event().wait(0.01)
        stop(first.pid)
        stop_inserting.set()
        inserter.join()
    with running_endpoint(data_dir) as second:
        stored = clickhouse_connect.get_client(host="127.0.0.1", port=second.port).command(
            "SELECT count() FROM default.acked"
        )
    assert acknowledged >= 10 * batch_rows
    # Every acknowledged batch is there; at most the one in flight at SIGTERM landed unacknowledged.
    assert acknowledged <= stored <= acknowledged + batch_rows
    assert stored % batch_rows == 0
