from __future__ import annotations

import pytest

from chlocal import statement


def test_text_insert_splits_at_the_line_after_format() -> None:
    sql = b"INSERT INTO db.t (a, b) FORMAT CSV\n1,2\n3,4\n"
    split = statement.split_inline_insert(sql)
    assert split is not None
    assert split.statement == "INSERT INTO db.t (a, b)"
    assert split.format == "CSV"
    assert sql[split.data_offset :] == b"1,2\n3,4\n"


def test_binary_rows_starting_with_whitespace_bytes_are_kept() -> None:
    rows = b"\n\x01\x02 \t"
    split = statement.split_inline_insert(b"INSERT INTO t FORMAT Native\n" + rows)
    assert split is not None
    assert (b"INSERT INTO t FORMAT Native\n" + rows)[split.data_offset :] == rows


def test_rows_on_the_same_line_after_spaces() -> None:
    sql = b'INSERT INTO t FORMAT JSONEachRow  {"a": 1}'
    split = statement.split_inline_insert(sql)
    assert split is not None
    assert sql[split.data_offset :] == b'{"a": 1}'


def test_crlf_after_format_name() -> None:
    sql = b"INSERT INTO t FORMAT TSV\r\n1\n"
    split = statement.split_inline_insert(sql)
    assert split is not None
    assert sql[split.data_offset :] == b"1\n"


def test_comments_and_strings_mentioning_format_are_ignored() -> None:
    sql = (
        b"/* FORMAT x */ INSERT INTO `FORMAT` -- FORMAT y\n"
        b" (c) SETTINGS s='FORMAT z' FORMAT CSV\n1\n"
    )
    split = statement.split_inline_insert(sql)
    assert split is not None
    assert split.format == "CSV"
    assert sql[split.data_offset :] == b"1\n"


@pytest.mark.parametrize(
    "sql",
    [
        b"INSERT INTO t VALUES (1, 'FORMAT CSV')",
        b"INSERT INTO t SELECT * FROM format(CSV, '1')",
        b"INSERT INTO t WITH 1 AS x SELECT x",
        b"SELECT 1 FORMAT CSV",
        b"",
    ],
)
def test_statements_without_separable_rows(sql: bytes) -> None:
    assert statement.split_inline_insert(sql) is None


def test_output_format_is_the_top_level_trailing_clause() -> None:
    assert statement.output_format(b"SELECT 1 FORMAT JSONEachRow") == "JSONEachRow"
    assert statement.output_format(b"SELECT * FROM format(CSV, '1')") is None
    assert statement.output_format(b"SELECT 'FORMAT JSON'") is None
    assert statement.output_format(b"SELECT 1\n FORMAT Native;") == "Native"


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (b"SELECT 1", True),
        (b"  -- note\n(SELECT 1)", True),
        (b"WITH 1 AS x SELECT x", True),
        (b"show tables", True),
        (b"DESCRIBE TABLE t", True),
        (b"CREATE TABLE t (a UInt8) ENGINE = Memory", False),
        (b"INSERT INTO t SELECT 1", False),
        (b"SET max_threads = 1", False),
    ],
)
def test_produces_result(sql: bytes, expected: bool) -> None:
    assert statement.produces_result(sql) is expected


def test_multiple_statements_detected_but_a_trailing_semicolon_is_fine() -> None:
    assert statement.has_multiple_statements(b"SELECT 1; SELECT 2")
    assert not statement.has_multiple_statements(b"SELECT 1;")
    assert not statement.has_multiple_statements(b"SELECT ';' ; -- done")


def test_session_state_statements() -> None:
    assert statement.changes_session_state(b"SET a = 1")
    assert statement.changes_session_state(b"use db")
    assert not statement.changes_session_state(b"SELECT 'SET'")


def test_empty_statement() -> None:
    assert statement.is_empty(b"  -- only a comment\n")
    assert not statement.is_empty(b"SELECT 1")
