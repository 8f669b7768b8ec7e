from __future__ import annotations

import pytest

from chlocal.errors import ClickHouseException


def test_engine_error_text_is_parsed_into_code_name_and_message() -> None:
    error = ClickHouseException.from_engine(
        "Code: 60. DB::Exception: Table default.x does not exist. (UNKNOWN_TABLE)"
    )
    assert (error.code, error.name) == (60, "UNKNOWN_TABLE")
    assert error.message == "Table default.x does not exist"
    assert error.http_status == 404
    assert error.body("26.9.2.1") == (
        b"Code: 60. DB::Exception: Table default.x does not exist. (UNKNOWN_TABLE) "
        b"(version 26.9.2.1)\n"
    )


def test_wrapped_engine_error_still_parses() -> None:
    error = ClickHouseException.from_engine(
        "Streaming insert append failed: Code: 27. DB::Exception: Cannot parse input. "
        "(CANNOT_PARSE_INPUT_ASSERTION_FAILED)"
    )
    assert error.code == 27
    assert error.http_status == 400


def test_text_without_a_code_becomes_a_generic_error() -> None:
    error = ClickHouseException.from_engine("something broke")
    assert (error.code, error.name, error.http_status) == (1001, "STD_EXCEPTION", 500)
    assert error.message == "something broke"


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("REQUIRED_PASSWORD", 401),
        ("AUTHENTICATION_FAILED", 403),
        ("SYNTAX_ERROR", 400),
        ("UNKNOWN_DATABASE", 404),
        ("NOT_IMPLEMENTED", 501),
        ("READONLY", 500),
    ],
)
def test_http_status_follows_clickhouse(name: str, status: int) -> None:
    assert ClickHouseException(1, name, "x").http_status == status


def test_own_errors_use_clickhouse_codes() -> None:
    error = ClickHouseException.of("SESSION_IS_LOCKED", "busy.")
    assert error.code == 373
    assert str(error) == "Code: 373. DB::Exception: busy. (SESSION_IS_LOCKED)"
