"""Split a multi-statement ClickHouse SQL script into single statements.

ClickHouse's HTTP interface runs one statement per request, so a migration file is cut at the
`;` that end statements. A `;` inside a string literal, a quoted identifier or a comment does not
end a statement, which is why this is a small lexer and not `str.split(";")`.

Lexical rules follow ClickHouse's own lexer:
- string literals in single quotes; a quote is escaped by doubling it (`''`) or by a backslash;
- identifiers in double quotes or backticks, with the same two escapes;
- `--` comments to the end of the line, and `/* ... */` comments, which may nest.
"""

from __future__ import annotations

from dataclasses import dataclass


class SqlSplitError(ValueError):
    """The script cannot be split: an unterminated string, identifier or comment."""


@dataclass(frozen=True)
class Statement:
    """One statement of a script.

    `text` starts at the statement's first token (leading comments and blank lines are not part
    of it) and excludes the terminating `;`. `line` is the 1-based line of that first token in
    the script, so error messages can point at the file.
    """

    text: str
    line: int

    @property
    def first_line(self) -> str:
        """The statement's first line, for error messages."""
        return self.text.split("\n", 1)[0].strip()


_QUOTES = ("'", '"', "`")


def _skip_quoted(sql: str, start: int) -> int:
    """Index just past the quoted token that opens at `start`."""
    quote = sql[start]
    i = start + 1
    while i < len(sql):
        char = sql[i]
        if char == "\\":
            i += 2
            continue
        if char == quote:
            if i + 1 < len(sql) and sql[i + 1] == quote:
                i += 2
                continue
            return i + 1
        i += 1
    kind = "string literal" if quote == "'" else "quoted identifier"
    raise SqlSplitError(f"unterminated {kind} starting on line {_line_of(sql, start)}")


def _skip_block_comment(sql: str, start: int) -> int:
    """Index just past the (possibly nested) `/* ... */` comment that opens at `start`."""
    depth = 0
    i = start
    while i < len(sql):
        pair = sql[i : i + 2]
        if pair == "/*":
            depth += 1
            i += 2
        elif pair == "*/":
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    raise SqlSplitError(f"unterminated /* comment starting on line {_line_of(sql, start)}")


def _skip_line_comment(sql: str, start: int) -> int:
    end = sql.find("\n", start)
    return len(sql) if end == -1 else end + 1


def _line_of(sql: str, index: int) -> int:
    return sql.count("\n", 0, index) + 1


def split_statements(sql: str) -> list[Statement]:
    """Split `sql` into its statements, in order; comment-only segments are dropped.

    Raises SqlSplitError for an unterminated string, quoted identifier or block comment.
    """
    statements: list[Statement] = []
    first_token: int | None = None
    i = 0
    while i < len(sql):
        char = sql[i]
        pair = sql[i : i + 2]
        if pair == "--":
            i = _skip_line_comment(sql, i)
            continue
        if pair == "/*":
            i = _skip_block_comment(sql, i)
            continue
        if char.isspace():
            i += 1
            continue
        if first_token is None:
            first_token = i
        if char in _QUOTES:
            i = _skip_quoted(sql, i)
            continue
        if char == ";":
            if first_token != i:
                statements.append(_statement(sql, first_token, i))
            first_token = None
        i += 1
    if first_token is not None:
        statements.append(_statement(sql, first_token, len(sql)))
    return statements


def _statement(sql: str, start: int, end: int) -> Statement:
    return Statement(text=sql[start:end].rstrip(), line=_line_of(sql, start))
