"""Validated rows → one ClickHouse `JSONEachRow` insert body.

Bulk inserts of pydantic rows (`ResourceEvent`s) go to ClickHouse as one JSON array of row
objects (`[{"column": value, ...}, ...]`, which `JSONEachRow` reads), encoded by orjson in C
straight from each validated model's field values: about 1.2 µs per event, where transposing
to `JSONColumns` first took about 2 µs and clickhouse-connect's Python Native encoder about
9 µs (docs/collectors.md, "Performance"). ClickHouse parses the body on its side, which
embedded chDB does without holding Python's GIL, so the next batch is built meanwhile.

Values keep their exact meaning:
- datetimes are aware (the models require it) and go as ISO 8601 in UTC with a `Z`, to the
  microsecond; `INSERT_SETTINGS` makes ClickHouse read them (`date_time_input_format`);
- Decimal goes as its exact fixed-point string, never through a binary float;
- floats are not special-cased here: the caller (`PoloClickHouse.insert_models`) refuses
  models with float fields, as Polo keeps money and quantities as Decimal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import orjson

# Settings every insert of these bodies needs: ISO 8601 datetimes with a zone designator.
INSERT_SETTINGS: dict[str, str] = {"date_time_input_format": "best_effort"}
INSERT_FORMAT = "JSONEachRow"


def _default(value: Any) -> Any:
    # orjson calls this only for types it cannot encode itself.
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot store the non-finite Decimal {value}")
        return format(value, "f")  # fixed-point: every digit, no exponent to parse
    raise TypeError(f"cannot encode a {type(value).__name__} value for ClickHouse: {value!r}")


def encode(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """The insert body of rows given as column name → value (a model's `vars()`)."""
    try:
        return orjson.dumps(rows, default=_default, option=orjson.OPT_UTC_Z)
    except orjson.JSONEncodeError as error:
        # orjson wraps what `_default` raised in a generic "not JSON serializable": surface ours.
        cause = error.__cause__
        raise (cause if isinstance(cause, ValueError | TypeError) else error) from None
