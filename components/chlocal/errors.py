"""ClickHouse-shaped errors: numeric code, symbolic name, HTTP status and response body.

Clients (clickhouse-connect, the Worker's fetch client) read the code from the
`X-ClickHouse-Exception-Code` header and the message from a `Code: N. DB::Exception: ...`
body, so the endpoint reproduces both, and maps codes to HTTP statuses the way ClickHouse's
HTTP handler does (by exception name, since names are stable across versions).
"""

from __future__ import annotations

import re

_UNAUTHORIZED = frozenset({"REQUIRED_PASSWORD"})
_FORBIDDEN = frozenset({"UNKNOWN_USER", "WRONG_PASSWORD", "AUTHENTICATION_FAILED", "ACCESS_DENIED"})
_BAD_REQUEST = frozenset(
    {
        "CANNOT_PARSE_TEXT",
        "CANNOT_PARSE_ESCAPE_SEQUENCE",
        "CANNOT_PARSE_QUOTED_STRING",
        "CANNOT_PARSE_DATE",
        "CANNOT_PARSE_DATETIME",
        "CANNOT_PARSE_NUMBER",
        "CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING",
        "CANNOT_PARSE_IPV4",
        "CANNOT_PARSE_IPV6",
        "CANNOT_PARSE_INPUT_ASSERTION_FAILED",
        "CANNOT_PARSE_UUID",
        "DUPLICATE_COLUMN",
        "ILLEGAL_COLUMN",
        "UNKNOWN_ELEMENT_IN_AST",
        "UNKNOWN_TYPE_OF_AST_NODE",
        "TOO_DEEP_AST",
        "TOO_BIG_AST",
        "UNEXPECTED_AST_STRUCTURE",
        "SYNTAX_ERROR",
        "INCORRECT_DATA",
        "TYPE_MISMATCH",
        "VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE",
        "BAD_REQUEST_PARAMETER",
        "UNKNOWN_QUERY_PARAMETER",
        "BAD_QUERY_PARAMETER",
    }
)
_NOT_FOUND = frozenset(
    {
        "UNKNOWN_TABLE",
        "UNKNOWN_FUNCTION",
        "UNKNOWN_IDENTIFIER",
        "UNKNOWN_TYPE",
        "UNKNOWN_STORAGE",
        "UNKNOWN_DATABASE",
        "UNKNOWN_SETTING",
        "UNKNOWN_DIRECTION_OF_SORTING",
        "UNKNOWN_AGGREGATE_FUNCTION",
        "UNKNOWN_FORMAT",
        "UNKNOWN_DATABASE_ENGINE",
        "UNKNOWN_TYPE_OF_QUERY",
        "UNKNOWN_ROLE",
    }
)
_STATUS_BY_NAME: dict[str, int] = {
    **dict.fromkeys(_UNAUTHORIZED, 401),
    **dict.fromkeys(_FORBIDDEN, 403),
    **dict.fromkeys(_BAD_REQUEST, 400),
    **dict.fromkeys(_NOT_FOUND, 404),
    "QUERY_IS_TOO_LARGE": 413,
    "NOT_IMPLEMENTED": 501,
    "SOCKET_TIMEOUT": 503,
    "CANNOT_OPEN_FILE": 503,
    "CANNOT_SCHEDULE_TASK": 503,
    "TIMEOUT_EXCEEDED": 408,
    "HTTP_LENGTH_REQUIRED": 411,
}

# Codes for the errors the endpoint raises itself (same numbers as ClickHouse's ErrorCodes).
CODES: dict[str, int] = {
    "SYNTAX_ERROR": 62,
    "UNKNOWN_SETTING": 115,
    "REQUIRED_PASSWORD": 194,
    "SESSION_NOT_FOUND": 372,
    "SESSION_IS_LOCKED": 373,
    "INVALID_SESSION_TIMEOUT": 374,
    "BAD_REQUEST_PARAMETER": 457,
    "AUTHENTICATION_FAILED": 516,
    "ACCESS_DENIED": 497,
    "NOT_IMPLEMENTED": 48,
    "STD_EXCEPTION": 1001,
    "ABORTED": 236,
    "QUERY_IS_TOO_LARGE": 229,
    "UNKNOWN_CODEC": 432,
}

_CODE_RE = re.compile(r"Code: (\d+)\.")
_NAME_RE = re.compile(r"\(([A-Z][A-Z0-9_]+)\)\s*(?:\(version [^)]*\))?\s*$")


class ClickHouseException(Exception):
    """An error to answer in ClickHouse's HTTP shape."""

    def __init__(self, code: int, name: str, message: str) -> None:
        super().__init__(code, name, message)
        self.code = code
        self.name = name
        self.message = message.rstrip().removesuffix(".")

    @classmethod
    def of(cls, name: str, message: str) -> ClickHouseException:
        return cls(CODES[name], name, message)

    @classmethod
    def from_engine(cls, text: str) -> ClickHouseException:
        """Parse chDB's `Code: N. DB::Exception: ... (NAME)` error text."""
        start = text.find("Code: ")
        body = text[start:].strip() if start >= 0 else text.strip()
        code_match = _CODE_RE.match(body)
        name_match = _NAME_RE.search(body)
        code = int(code_match.group(1)) if code_match else CODES["STD_EXCEPTION"]
        name = name_match.group(1) if name_match else "STD_EXCEPTION"
        message = body
        if code_match:
            message = body[code_match.end() :].strip()
            message = message.removeprefix("DB::Exception:").strip()
        if name_match and message.endswith(f"({name})"):
            message = message[: -len(f"({name})")].rstrip()
        return cls(code, name, message)

    @property
    def http_status(self) -> int:
        return _STATUS_BY_NAME.get(self.name, 500)

    def body(self, version: str) -> bytes:
        return (
            f"Code: {self.code}. DB::Exception: {self.message}. ({self.name}) (version {version})\n"
        ).encode()

    def __str__(self) -> str:
        return f"Code: {self.code}. DB::Exception: {self.message}. ({self.name})"
