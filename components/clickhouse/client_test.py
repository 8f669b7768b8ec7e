"""Unit tests of the client's configuration, error classification and retry policy.

Overload and network faults cannot be caused on demand, so a few tests drive `PoloClickHouse`
with a stand-in client that fails the way clickhouse-connect does; the real engine is exercised
in clickhouse_client_integration_test.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from clickhouse_connect.driver import exceptions as driver_errors
from clickhouse_connect.driver.summary import QuerySummary
from pydantic import BaseModel, ValidationError

from clickhouse.client import (
    DEFAULT_DATABASE,
    ClickHouseQueryError,
    ClickHouseSettings,
    ClickHouseUnavailable,
    PoloClickHouse,
    is_transient,
    redact_url,
    resolve_url,
)


class TestSettings:
    def test_http_url_gives_user_password_and_database(self) -> None:
        settings = ClickHouseSettings.from_url("https://reader:p%40ss@ch.example.com:8443/costs")
        assert (settings.user, settings.password, settings.database) == ("reader", "p@ss", "costs")
        assert not settings.is_embedded
        assert settings.display_url == "https://reader:***@ch.example.com:8443/costs"
        assert "p@ss" not in repr(settings)

    def test_database_defaults_and_overrides(self) -> None:
        assert ClickHouseSettings.from_url("http://h:8123").database == DEFAULT_DATABASE
        assert ClickHouseSettings.from_url("http://h:8123/a", database="b").database == "b"

    def test_embedded_url_gives_path_and_database(self) -> None:
        settings = ClickHouseSettings.from_url("chdb:///var/lib/polo/ch?database=polo_dev")
        assert settings.is_embedded
        assert settings.embedded_path == Path("/var/lib/polo/ch")
        assert settings.database == "polo_dev"

    @pytest.mark.parametrize(
        ("url", "message"),
        [
            ("ftp://host/db", "unsupported ClickHouse URL"),
            ("chdb://relative/path", "must name an absolute directory"),
            ("http:///db", "has no host"),
        ],
    )
    def test_bad_urls_are_rejected(self, url: str, message: str) -> None:
        with pytest.raises(ValidationError, match=message):
            ClickHouseSettings.from_url(url)

    def test_bad_database_name_and_timeouts_are_rejected(self) -> None:
        with pytest.raises(ValidationError, match="letters, digits and underscores"):
            ClickHouseSettings.from_url("http://h:8123", database="polo; DROP")
        with pytest.raises(ValidationError, match="greater than 0"):
            ClickHouseSettings(url="http://h:8123", connect_timeout=0)
        with pytest.raises(ValidationError, match="greater than or equal to 1"):
            ClickHouseSettings(url="http://h:8123", retry_attempts=0)

    def test_credentials_are_refused_for_embedded(self) -> None:
        with pytest.raises(ValidationError, match="embedded chDB has no users"):
            ClickHouseSettings(url="chdb:///tmp/x", user="admin")

    def test_redact_url_leaves_passwordless_urls_alone(self) -> None:
        assert redact_url("http://h:8123/db") == "http://h:8123/db"
        assert redact_url("http://u:s3cret@h:8123/db") == "http://u:***@h:8123/db"


class TestResolveUrl:
    @pytest.fixture(autouse=True)
    def _clean_env(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        monkeypatch.delenv("POLO_CLICKHOUSE_URL", raising=False)
        monkeypatch.setenv("POLO_HOME", str(tmp_path))

    def test_explicit_beats_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("POLO_CLICKHOUSE_URL", "http://env:8123/x")
        assert resolve_url("http://explicit:8123/y") == "http://explicit:8123/y"
        assert resolve_url() == "http://env:8123/x"

    def test_live_local_endpoint_beats_embedded(self, tmp_path: Path) -> None:
        (tmp_path / "chlocal.json").write_text(
            json.dumps({"url": "http://127.0.0.1:18123", "pid": os.getpid()})
        )
        assert resolve_url() == "http://127.0.0.1:18123"

    def test_docker_server_without_pid_is_used(self, tmp_path: Path) -> None:
        (tmp_path / "chlocal.json").write_text(
            json.dumps({"url": "http://polo:polo@127.0.0.1:8123", "pid": None, "mode": "docker"})
        )
        assert resolve_url() == "http://polo:polo@127.0.0.1:8123"

    def test_dead_or_broken_endpoint_file_falls_back_to_embedded(self, tmp_path: Path) -> None:
        finished = subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpid())"],
            capture_output=True,
            text=True,
            check=True,
        )
        endpoint = tmp_path / "chlocal.json"
        endpoint.write_text(
            json.dumps({"url": "http://127.0.0.1:18123", "pid": int(finished.stdout)})
        )
        assert resolve_url() == f"chdb://{tmp_path / 'clickhouse'}"
        endpoint.write_text("{half-written")
        assert resolve_url() == f"chdb://{tmp_path / 'clickhouse'}"

    def test_polo_home_defaults_to_dot_polo_in_the_working_directory(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        monkeypatch.delenv("POLO_HOME")
        monkeypatch.chdir(tmp_path)
        assert resolve_url() == f"chdb://{tmp_path.resolve() / '.polo' / 'clickhouse'}"


class TestTransientClassification:
    @pytest.mark.parametrize(
        "error",
        [
            driver_errors.OperationalError(
                "Error HTTPConnectionPool: [Errno 111] Connection refused"
            ),
            driver_errors.DatabaseError("Code: 202. Too many simultaneous queries", code=202),
            driver_errors.DatabaseError("Code: 252. Too many parts", code=252),
            driver_errors.DatabaseError("HTTP driver received HTTP status 503"),
        ],
    )
    def test_transient(self, error: Exception) -> None:
        assert is_transient(error)

    @pytest.mark.parametrize(
        "error",
        [
            driver_errors.DatabaseError("Code: 62. Syntax error", code=62),
            driver_errors.OperationalError("Code: 62. Syntax error, retried", code=62),
            driver_errors.DatabaseError("Code: 60. Unknown table", code=60),
            driver_errors.DatabaseError("HTTP driver received HTTP status 500"),
            driver_errors.ProgrammingError("chdb engine already opened on another path"),
            ValueError("not a driver error"),
        ],
    )
    def test_not_transient(self, error: Exception) -> None:
        assert not is_transient(error)


class FlakyClient:
    """Fails with the given driver errors, in order, then answers."""

    def __init__(self, *failures: Exception, keeps: int | None = None) -> None:
        self.failures = list(failures)
        self.calls = 0
        self.inserted: list[list[list[Any]]] = []
        # How many rows of each insert the "server" reports written (default: all of them).
        self.keeps = keeps

    def _next(self) -> None:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)

    def command(self, sql: str, parameters: Any = None) -> int:
        self._next()
        return 1

    def insert(self, table: str, data: list[list[Any]], column_names: list[str]) -> QuerySummary:
        self._next()
        self.inserted.append(data)
        written = len(data) if self.keeps is None else min(self.keeps, len(data))
        return QuerySummary({"written_rows": str(written)})


def polo(client: FlakyClient, attempts: int = 3) -> PoloClickHouse:
    settings = ClickHouseSettings(url="http://h:8123", retry_attempts=attempts)
    return PoloClickHouse(client, settings)  # type: ignore[arg-type]


def test_a_batch_the_server_only_partly_wrote_is_an_error_naming_the_loss() -> None:
    # The server's summary is the only witness of a loss between client and table; a real
    # endpoint that lost rows is fixed, so the summary is the one thing faked here.
    client = FlakyClient(keeps=3)
    rows = [{"id": n} for n in range(8)]
    with pytest.raises(ClickHouseQueryError) as caught:
        polo(client).insert_rows("t", rows, batch_size=4)
    assert str(caught.value) == (
        "insert:t: sent 4 rows but the server wrote 3: rows were lost on the way"
    )


def test_a_later_partial_batch_says_what_earlier_batches_inserted() -> None:
    class LosesSecondBatch(FlakyClient):
        def insert(
            self, table: str, data: list[list[Any]], column_names: list[str]
        ) -> QuerySummary:
            summary = super().insert(table, data, column_names)
            return QuerySummary({"written_rows": "0"}) if len(self.inserted) == 2 else summary

    with pytest.raises(ClickHouseQueryError, match="4 rows were inserted before this batch"):
        polo(LosesSecondBatch()).insert_rows("t", [{"id": n} for n in range(8)], batch_size=4)


def test_transient_failures_are_retried_until_success() -> None:
    client = FlakyClient(
        driver_errors.OperationalError("[Errno 104] Connection reset by peer"),
        driver_errors.DatabaseError("Code: 202. Too many simultaneous queries", code=202),
    )
    assert polo(client).command("warmup", "SELECT 1") == 1
    assert client.calls == 3


def test_syntax_error_is_not_retried_and_names_the_query() -> None:
    client = FlakyClient(
        driver_errors.DatabaseError(
            "Code: 62. DB::Exception: Syntax error: failed at position 8\nSELEC 1\n"
            "(SYNTAX_ERROR) (version 26.9.2.1)",
            code=62,
        )
    )
    with pytest.raises(ClickHouseQueryError) as error:
        polo(client).command("costs_by_customer", "SELEC 1")
    assert client.calls == 1
    assert error.value.query_name == "costs_by_customer"
    assert error.value.code == 62
    assert str(error.value) == (
        "costs_by_customer: Code: 62. DB::Exception: Syntax error: failed at position 8 "
        "(SYNTAX_ERROR)"
    )
    assert isinstance(error.value.__cause__, driver_errors.DatabaseError)


def test_persistent_transient_failure_becomes_unavailable_after_the_attempt_budget() -> None:
    refused = "HTTPConnectionPool(host='h', port=8123): [Errno 111] Connection refused"
    client = FlakyClient(*(driver_errors.OperationalError(refused) for _ in range(5)))
    with pytest.raises(ClickHouseUnavailable, match=r"^freshness: Connection refused$"):
        polo(client, attempts=2).command("freshness", "SELECT 1")
    assert client.calls == 2


class Row(BaseModel):
    a: int
    b: str


class RowWithToRow(Row):
    def to_row(self) -> dict[str, Any]:
        return {"a": self.a * 10, "b": self.b.upper()}


def test_insert_batches_models_and_dicts_in_column_order() -> None:
    client = FlakyClient()
    rows = [{"b": f"r{i}", "a": i} for i in range(5)]
    assert polo(client).insert_rows("t", rows, batch_size=2) == 5
    assert client.inserted == [[["r0", 0], ["r1", 1]], [["r2", 2], ["r3", 3]], [["r4", 4]]]

    client = FlakyClient()
    polo(client).insert_rows(
        "t", [Row(a=1, b="x"), RowWithToRow(a=2, b="y")], column_names=["a", "b"]
    )
    assert client.inserted == [[[1, "x"], [20, "Y"]]]


def test_insert_checks_every_row_before_sending_any() -> None:
    client = FlakyClient()
    rows = [{"a": 1, "b": "x"}] * 3 + [{"a": 4}]
    with pytest.raises(ValueError, match=r"row 3 .* missing \['b'\]; nothing was inserted"):
        polo(client).insert_rows("t", rows, batch_size=1)
    with pytest.raises(ValueError, match=r"row 1 .* unexpected \['c'\]"):
        polo(client).insert_rows("t", [{"a": 1}, {"a": 2, "c": 3}])
    assert client.calls == 0
    # With explicit columns, extra keys are simply not sent.
    assert polo(client).insert_rows("t", [{"a": 1, "c": 3}], column_names=["a"]) == 1
    assert client.inserted == [[[1]]]
    assert polo(client).insert_rows("t", []) == 0
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        polo(client).insert_rows("t", rows, batch_size=0)


class Money(float):
    """A float subclass (as numpy.float64 is): still a float, still refused."""


def test_float_values_are_refused_wherever_they_are() -> None:
    client = FlakyClient()
    rows = [{"a": 1, "b": "x"}] * 4 + [{"a": Money(2.5), "b": "y"}]
    with pytest.raises(ValueError, match=r"row 4 has float values in \['a'\]"):
        polo(client).insert_rows("t", rows)
    assert client.calls == 0
