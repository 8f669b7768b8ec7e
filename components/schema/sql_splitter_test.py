from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schema.sql_splitter import SqlSplitError, Statement, split_statements


def texts(sql: str) -> list[str]:
    return [s.text for s in split_statements(sql)]


def test_splits_on_semicolons_and_drops_empty_statements() -> None:
    assert texts("SELECT 1;\n;  SELECT 2 ;;\nSELECT 3") == ["SELECT 1", "SELECT 2", "SELECT 3"]


def test_semicolon_inside_string_literal_does_not_split() -> None:
    sql = "INSERT INTO t VALUES ('a;b'); SELECT 'it''s; fine', 'back\\'slash;'; SELECT 2"
    assert texts(sql) == [
        "INSERT INTO t VALUES ('a;b')",
        "SELECT 'it''s; fine', 'back\\'slash;'",
        "SELECT 2",
    ]


def test_semicolon_inside_quoted_identifiers_does_not_split() -> None:
    sql = 'CREATE TABLE "we;ird" (`col;umn` UInt8) ENGINE = Memory; SELECT 1'
    assert texts(sql) == ['CREATE TABLE "we;ird" (`col;umn` UInt8) ENGINE = Memory', "SELECT 1"]


def test_semicolons_inside_comments_do_not_split() -> None:
    sql = (
        "-- header; with a semicolon\n"
        "CREATE TABLE t (x UInt8) -- trailing; comment\n"
        "ENGINE = Memory /* block; comment /* nested; */ still; comment */;\n"
        "/* only a comment; */\n"
        "SELECT 1; -- tail comment; nothing after\n"
    )
    assert texts(sql) == [
        "CREATE TABLE t (x UInt8) -- trailing; comment\n"
        "ENGINE = Memory /* block; comment /* nested; */ still; comment */",
        "SELECT 1",
    ]


def test_comment_markers_inside_strings_are_text() -> None:
    assert texts("SELECT '-- not a comment; /* nor this'; SELECT 2") == [
        "SELECT '-- not a comment; /* nor this'",
        "SELECT 2",
    ]


def test_statement_records_line_of_first_token_and_first_line() -> None:
    sql = "-- comment\n\nCREATE TABLE a\n(x UInt8);\n\n/* c */ SELECT\n  1;"
    statements = split_statements(sql)
    assert statements == [
        Statement(text="CREATE TABLE a\n(x UInt8)", line=3),
        Statement(text="SELECT\n  1", line=6),
    ]
    assert statements[0].first_line == "CREATE TABLE a"


def test_only_comments_gives_no_statements() -> None:
    assert split_statements("-- nothing here;\n/* at all; */\n") == []


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT 'open;", "unterminated string literal starting on line 1"),
        ('SELECT 1;\nSELECT "open', "unterminated quoted identifier starting on line 2"),
        ("SELECT 1 /* open /* nested */", "unterminated /* comment starting on line 1"),
    ],
)
def test_unterminated_tokens_are_errors(sql: str, message: str) -> None:
    with pytest.raises(SqlSplitError, match=message.replace("/*", r"/\*")):
        split_statements(sql)


_literal_text = st.text(alphabet="ab;'\"`-/*\\ \n", max_size=12)


def _quote(value: str, quote: str) -> str:
    return quote + value.replace("\\", "\\\\").replace(quote, quote * 2) + quote


_token = st.one_of(
    st.sampled_from(["SELECT", "x", "1", "+", "(", ")", ","]),
    _literal_text.map(lambda v: _quote(v, "'")),
    _literal_text.map(lambda v: _quote(v, '"')),
    _literal_text.map(lambda v: _quote(v, "`")),
    # No slash inside a comment: removing "*/" and "/*" one after the other can leave a new one
    # ("//**" -> "/*"), which opens a nested comment (ClickHouse nests them) and never closes.
    _literal_text.map(lambda v: "/* " + v.replace("/", "") + " */"),
)
_statement = (
    st.lists(_token, min_size=1, max_size=8).map(" ".join).filter(lambda s: not s.startswith("/*"))
)


@given(st.lists(_statement, min_size=1, max_size=5))
def test_split_inverts_join(statements: list[str]) -> None:
    """Any statements made of literals, identifiers and comments survive a join on `;`."""
    assert texts(";\n".join(statements) + ";") == statements
