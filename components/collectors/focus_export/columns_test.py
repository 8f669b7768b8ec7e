from __future__ import annotations

import pytest

from collectors.focus_export.columns import (
    OPTIONAL,
    REQUIRED,
    TARGET_COLUMNS,
    FocusSchemaError,
    select_list,
)

MINIMAL = {
    "BillingPeriodStart": "Nullable(DateTime64(3, 'UTC'))",
    "ChargePeriodStart": "Nullable(DateTime64(3, 'UTC'))",
    "SubAccountId": "Nullable(String)",
    "ServiceName": "Nullable(String)",
    "ChargeCategory": "Nullable(String)",
    "BilledCost": "Nullable(Decimal(38, 10))",
    "EffectiveCost": "Nullable(Float64)",
}


def test_every_target_column_is_selected_once_in_insert_order() -> None:
    selected = select_list(MINIMAL, "s3://b/f.parquet")
    aliases = [line.rsplit(" AS ", 1)[1] for line in selected.split(",\n    ")]
    assert tuple(aliases) == TARGET_COLUMNS


def test_a_file_without_required_columns_names_them_and_the_file() -> None:
    schema = {k: v for k, v in MINIMAL.items() if k not in ("BilledCost", "SubAccountId")}
    with pytest.raises(FocusSchemaError) as caught:
        select_list(schema, "s3://b/f.parquet")
    assert str(caught.value) == (
        "s3://b/f.parquet: not a FOCUS export, missing columns BilledCost, SubAccountId"
    )


def test_money_as_double_goes_through_its_decimal_text_and_decimals_stay_decimal() -> None:
    selected = select_list(MINIMAL, "f")
    assert "toDecimal128(toString(ifNull(`EffectiveCost`, 0)), 10) AS effective_cost" in selected
    assert "toDecimal128(ifNull(`BilledCost`, 0), 10) AS billed_cost" in selected


def test_missing_optional_columns_get_their_defaults() -> None:
    selected = select_list(MINIMAL, "f")
    for target, default in OPTIONAL.values():
        assert f"{default} AS {target}" in selected


@pytest.mark.parametrize(
    ("type_name", "expected"),
    [
        ("Map(String, Nullable(String))", "mapApply((k, v) -> (k, ifNull(v, '')), `Tags`)"),
        ("Nullable(String)", "JSONExtract(ifNull(`Tags`, '{}'), 'Map(String, String)')"),
    ],
)
def test_tags_as_a_map_or_as_json_text(type_name: str, expected: str) -> None:
    assert f"{expected} AS tags" in select_list({**MINIMAL, "Tags": type_name}, "f")


def test_a_column_of_an_unusable_type_is_a_schema_error() -> None:
    with pytest.raises(FocusSchemaError, match="column BilledCost has type Array"):
        select_list({**MINIMAL, "BilledCost": "Array(String)"}, "f")


def test_required_and_optional_columns_do_not_overlap() -> None:
    assert not set(REQUIRED) & set(OPTIONAL)
