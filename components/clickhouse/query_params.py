"""The one encoding of bound query parameters for ClickHouse, on every Python query path.

ClickHouse reads a bound value (`param_<name>` on the HTTP interface, chDB's `params=`) in its
*escaped* text form, the one TabSeparated uses: a backslash starts an escape sequence, a tab or a
line feed ends the value, and `\\N` alone means NULL (the type's default for a non-Nullable
parameter: `''`, which Polo's named queries read as "any"). `encode_param` doubles every
backslash and escapes tab, line feed, carriage return and NUL, in one pass, so any string arrives
exactly as given; it is the twin of `encodeParam` in components/api/src/clickhouse.ts (the
Worker), and both are property-tested through `SELECT {p:String}` against a real ClickHouse.

`bind_parameters` applies it to the string values of a parameter mapping and hands them to
clickhouse-connect as `EncodedParam`s, which the driver passes through unchanged (its own
escaping would otherwise apply on top). Other values (dates, numbers, decimals, arrays, maps) are
left to the driver, whose literal formatting already quotes nested strings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# A server-side placeholder, `{name:Type}`: with one in the SQL, clickhouse-connect binds every
# parameter server-side; without, it would format values into the SQL text itself.
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*:[^{}]+\}")

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"})


def encode_param(value: str) -> str:
    """`value` in ClickHouse's escaped text form: it binds as exactly `value`."""
    return value.translate(_ESCAPES)


class EncodedParam:
    """A value already in escaped text form; clickhouse-connect sends `str()` of unknown types."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"EncodedParam({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EncodedParam) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def bind_parameters(sql: str, parameters: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """`parameters` with every string value encoded by `encode_param`, ready for the driver.

    Strings are only ever bound server-side: without a `{name:Type}` placeholder in `sql` the
    driver would splice them into the SQL text, so that is refused (ValueError).
    """
    if parameters is None:
        return None
    if any(isinstance(v, str) for v in parameters.values()) and not _PLACEHOLDER.search(sql):
        raise ValueError(
            "string parameters are bound server-side only: use {name:Type} placeholders in the SQL"
        )
    return {
        name: EncodedParam(encode_param(value)) if isinstance(value, str) else value
        for name, value in parameters.items()
    }
