from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import orjson
import pytest

from clickhouse.json_rows import INSERT_FORMAT, INSERT_SETTINGS, encode


def test_rows_become_one_array_of_objects_in_field_order() -> None:
    body = encode([{"id": 1, "name": "a", "tags": {}}, {"id": 2, "name": "é", "tags": {"T": "x"}}])
    assert body.decode() == ('[{"id":1,"name":"a","tags":{}},{"id":2,"name":"é","tags":{"T":"x"}}]')
    assert INSERT_FORMAT == "JSONEachRow"  # which reads an array of row objects


def test_decimals_keep_every_digit_as_strings() -> None:
    amounts = [
        Decimal("123456789012.000001"),
        Decimal("-0.000001"),
        Decimal("0E-6"),
        Decimal("1E+3"),
    ]
    assert orjson.loads(encode([{"amount": a} for a in amounts])) == [
        {"amount": "123456789012.000001"},
        {"amount": "-0.000001"},
        {"amount": "0.000000"},
        {"amount": "1000"},
    ]


def test_datetimes_go_as_utc_iso_8601_with_z_and_dates_as_iso_dates() -> None:
    paris = timezone(timedelta(hours=1))
    moments = [
        datetime(2026, 11, 2, 10, 0, 0, 123000, tzinfo=UTC),
        datetime(2026, 11, 2, 11, 0, tzinfo=paris),
    ]
    decoded = orjson.loads(encode([{"at": at, "day": date(2026, 11, 2)} for at in moments]))
    assert [row["at"] for row in decoded] == [
        "2026-11-02T10:00:00.123000Z",
        "2026-11-02T11:00:00+01:00",
    ]
    assert [row["day"] for row in decoded] == ["2026-11-02", "2026-11-02"]
    # ClickHouse reads both forms (and the zone) only with best-effort parsing.
    assert {"date_time_input_format": "best_effort"} == INSERT_SETTINGS


def test_a_non_finite_decimal_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="non-finite Decimal NaN"):
        encode([{"amount": Decimal("1")}, {"amount": Decimal("NaN")}])


def test_a_value_of_an_unknown_type_is_refused_naming_the_type() -> None:
    with pytest.raises(TypeError, match="cannot encode a complex value"):
        encode([{"x": 1j}])
