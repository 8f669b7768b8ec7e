from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import orjson
import pytest

from collectors.common.json_columns import INSERT_SETTINGS, encode


def test_columns_become_one_object_of_arrays_in_column_order() -> None:
    body = encode(["id", "name", "tags"], [[1, 2], ["a", "é"], [{}, {"Team": "x"}]])
    assert body.decode() == '{"id":[1,2],"name":["a","é"],"tags":[{},{"Team":"x"}]}'


def test_decimals_keep_every_digit_as_strings() -> None:
    amounts = [
        Decimal("123456789012.000001"),
        Decimal("-0.000001"),
        Decimal("0E-6"),
        Decimal("1E+3"),
    ]
    assert orjson.loads(encode(["amount"], [amounts])) == {
        "amount": ["123456789012.000001", "-0.000001", "0.000000", "1000"]
    }


def test_datetimes_go_as_utc_iso_8601_with_z_and_dates_as_iso_dates() -> None:
    paris = timezone(timedelta(hours=1))
    moments = [
        datetime(2026, 11, 2, 10, 0, 0, 123000, tzinfo=UTC),
        datetime(2026, 11, 2, 11, 0, tzinfo=paris),
    ]
    decoded = orjson.loads(encode(["at", "day"], [moments, [date(2026, 11, 2)] * 2]))
    assert decoded["at"] == ["2026-11-02T10:00:00.123000Z", "2026-11-02T11:00:00+01:00"]
    assert decoded["day"] == ["2026-11-02", "2026-11-02"]
    # ClickHouse reads both forms (and the zone) only with best-effort parsing.
    assert {"date_time_input_format": "best_effort"} == INSERT_SETTINGS


def test_a_non_finite_decimal_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="non-finite Decimal NaN"):
        encode(["amount"], [[Decimal("NaN")]])


def test_a_value_of_an_unknown_type_is_refused_naming_the_type() -> None:
    with pytest.raises(TypeError, match="cannot encode a complex value"):
        encode(["x"], [[1j]])


def test_names_and_columns_must_pair_up() -> None:
    with pytest.raises(ValueError, match="2 column names for 1 columns"):
        encode(["a", "b"], [[1]])
