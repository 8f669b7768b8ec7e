"""Just enough SQL lexing to route an HTTP request the way ClickHouse's HTTP handler does.

chDB executes SQL text; the HTTP interface adds three things chDB cannot see on its own:
whether the statement carries inline data after `INSERT ... FORMAT X` (which must be streamed
into chDB's insert API, binary formats included), which output format a statement asks for
(the `X-ClickHouse-Format` header), and whether it produces a result set at all
(clickhouse-connect's `command()` relies on that header being absent for DDL and inserts).
The lexer is byte-based so it never decodes the binary rows that follow an INSERT.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_TOKEN = re.compile(
    rb"""
    (?P<ws>\s+)
    |(?P<comment>--[^\n]*|\#[ !][^\n]*|/\*.*?\*/)
    |(?P<string>'(?:[^'\\]|\\.|'')*')
    |(?P<heredoc>\$(?P<tag>[A-Za-z0-9_]*)\$.*?\$(?P=tag)\$)
    |(?P<quoted>"(?:[^"\\]|\\.|"")*"|`(?:[^`\\]|\\.|``)*`)
    |(?P<word>[A-Za-z_][A-Za-z0-9_$]*)
    |(?P<number>[0-9][0-9A-Za-z_.]*)
    |(?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

# Statements whose execution yields a result set, so ClickHouse reports an output format.
_RESULT_KEYWORDS = frozenset(
    {"SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXISTS", "EXPLAIN", "CHECK", "KILL"}
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: bytes
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.decode("ascii", "replace").upper()


def tokens(sql: bytes, start: int = 0) -> Iterator[Token]:
    """Significant tokens (no whitespace or comments) from `start`, lazily."""
    for match in _TOKEN.finditer(sql, start):
        kind = match.lastgroup or "other"
        if kind == "tag":  # the heredoc's inner group is the last one to match
            kind = "heredoc"
        if kind in ("ws", "comment"):
            continue
        yield Token(kind, match.group(), match.start(), match.end())


def first_keyword(sql: bytes) -> str:
    """The statement's leading keyword, upper-cased ('' for an empty statement)."""
    for token in tokens(sql):
        if token.kind == "other" and token.text == b"(":
            continue
        return token.upper if token.kind == "word" else ""
    return ""


def is_empty(sql: bytes) -> bool:
    return next(tokens(sql), None) is None


def produces_result(sql: bytes) -> bool:
    return first_keyword(sql) in _RESULT_KEYWORDS


def output_format(sql: bytes) -> str | None:
    """The format named by a top-level trailing `FORMAT <name>` clause, if any."""
    found: str | None = None
    depth = 0
    previous: Token | None = None
    for token in tokens(sql):
        if token.kind == "other" and token.text == b"(":
            depth += 1
        elif token.kind == "other" and token.text == b")":
            depth -= 1
        elif (
            depth == 0
            and token.kind == "word"
            and previous is not None
            and previous.kind == "word"
            and previous.upper == "FORMAT"
        ):
            found = token.text.decode("ascii")
        previous = token
    return found


@dataclass(frozen=True)
class InlineInsert:
    """`INSERT ... FORMAT X` split into the statement chDB parses and the rows it streams."""

    statement: str
    format: str
    data_offset: int


def split_inline_insert(sql: bytes) -> InlineInsert | None:
    """Split an INSERT carrying rows after `FORMAT X`; None for any other statement.

    Rows start after the format name, past spaces and tabs and one line break, the rule
    ClickHouse's own INSERT parser applies (so a binary block starting with a whitespace byte
    survives). `INSERT ... VALUES` and `INSERT ... SELECT` carry no separable data: chDB runs
    them as they are.
    """
    stream = tokens(sql)
    head = next(stream, None)
    if head is None or head.kind != "word" or head.upper != "INSERT":
        return None
    depth = 0
    previous: Token | None = None
    for token in stream:
        if token.kind == "other" and token.text == b"(":
            depth += 1
        elif token.kind == "other" and token.text == b")":
            depth -= 1
        elif depth == 0 and token.kind == "word":
            keyword = token.upper
            if keyword in ("VALUES", "SELECT", "WITH") and (
                previous is None or previous.upper != "FORMAT"
            ):
                return None
            if previous is not None and previous.kind == "word" and previous.upper == "FORMAT":
                offset = token.end
                while offset < len(sql) and sql[offset] in b" \t":
                    offset += 1
                if sql[offset : offset + 2] == b"\r\n":
                    offset += 2
                elif sql[offset : offset + 1] == b"\n":
                    offset += 1
                statement = sql[: previous.start].decode("utf-8").rstrip()
                return InlineInsert(statement, token.text.decode("ascii"), offset)
        previous = token
    return None


_SESSION_STATE_KEYWORDS = frozenset({"SET", "USE"})


def changes_session_state(sql: bytes) -> bool:
    """`SET` and `USE` change the session; the endpoint replays them for later queries."""
    return first_keyword(sql) in _SESSION_STATE_KEYWORDS


def has_multiple_statements(sql: bytes) -> bool:
    """True when a `;` is followed by another statement (ClickHouse's HTTP rejects those)."""
    seen_semicolon = False
    for token in tokens(sql):
        if token.kind == "other" and token.text == b";":
            seen_semicolon = True
        elif seen_semicolon:
            return True
    return False
