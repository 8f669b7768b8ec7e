"""encode_param, exactly: the escapes ClickHouse's escaped text form needs and nothing else."""

from __future__ import annotations

from datetime import date

import pytest

from clickhouse.query_params import EncodedParam, bind_parameters, encode_param


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("\\N", "\\\\N"),  # the attack: `\N` is NULL (so '') unless its backslash is escaped
        ("x\\", "x\\\\"),  # a trailing backslash was an unterminated escape sequence (502)
        ("a\r\nb", "a\\r\\nb"),  # a line feed ended the value (502)
        ("a\tb", "a\\tb"),
        ("a\0b", "a\\0b"),
        ('it\'s `x` "y" é 🙂 %20', 'it\'s `x` "y" é 🙂 %20'),
        ("", ""),
    ],
)
def test_encode_param(raw: str, encoded: str) -> None:
    assert encode_param(raw) == encoded


def test_bind_parameters_encodes_strings_and_leaves_other_values_to_the_driver() -> None:
    bound = bind_parameters("SELECT {c:String}, {d:Date}", {"c": "\\N", "d": date(2026, 1, 1)})
    assert bound == {"c": EncodedParam("\\\\N"), "d": date(2026, 1, 1)}
    assert str(bound["c"]) == "\\\\N"
    assert bind_parameters("SELECT 1", None) is None


def test_strings_are_never_spliced_into_sql_client_side() -> None:
    with pytest.raises(ValueError, match="server-side only"):
        bind_parameters("SELECT * FROM t WHERE c = %(c)s", {"c": "x' OR 1=1 --"})
