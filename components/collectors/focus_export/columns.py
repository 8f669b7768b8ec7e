"""FOCUS 1.x columns onto `cost_focus_line_items` (migration 013): the SELECT list the engine
runs over each Parquet file, built from the file's own schema.

The mapping is done by ClickHouse while it reads the Parquet (`INSERT ... SELECT ... FROM
s3(...)`), never row by row in Python. Money columns may arrive as Parquet decimals or as
doubles (AWS writes doubles in some exports): a double is converted through its shortest
decimal text (`toString`), so 0.3 stays 0.3 instead of becoming 0.2999999999.
"""

from __future__ import annotations

from collections.abc import Mapping

# FOCUS column -> cost_focus_line_items column. Every one must be in the file.
REQUIRED: dict[str, str] = {
    "BillingPeriodStart": "billing_period",
    "ChargePeriodStart": "charge_date",
    "SubAccountId": "account_id",
    "ServiceName": "service_name",
    "ChargeCategory": "charge_category",
    "BilledCost": "billed_cost",
    "EffectiveCost": "effective_cost",
}
# Optional columns and what they are when a file lacks them (FOCUS lets providers omit some).
OPTIONAL: dict[str, tuple[str, str]] = {
    "RegionId": ("region", "''"),
    "x_UsageType": ("usage_type", "''"),
    "ResourceId": ("resource_id", "''"),
    "ChargeClass": ("charge_class", "''"),
    "ChargeDescription": ("charge_description", "''"),
    "ListCost": ("list_cost", "0"),
    "ConsumedQuantity": ("consumed_quantity", "0"),
    "ConsumedUnit": ("consumed_unit", "''"),
    "PricingUnit": ("pricing_unit", "''"),
    "CommitmentDiscountId": ("commitment_discount_id", "''"),
    "CommitmentDiscountType": ("commitment_discount_type", "''"),
    "Tags": ("tags", "map()"),
}
DECIMALS = frozenset({"billed_cost", "effective_cost", "list_cost", "consumed_quantity"})
DATES = frozenset({"billing_period", "charge_date"})
# The table's columns in insert order: the mapped ones, then the delivery's provenance.
TARGET_COLUMNS: tuple[str, ...] = (
    *REQUIRED.values(),
    *(target for target, _ in OPTIONAL.values()),
    "execution_id",
    "source_file",
)


class FocusSchemaError(ValueError):
    """A data file cannot be read as FOCUS: what is missing or of the wrong type, and where."""


def _bare(type_name: str) -> str:
    """`Nullable(X)` / `LowCardinality(X)` -> `X`."""
    for wrapper in ("Nullable(", "LowCardinality("):
        while type_name.startswith(wrapper) and type_name.endswith(")"):
            type_name = type_name[len(wrapper) : -1]
    return type_name


def _expression(source: str, target: str, type_name: str) -> str:
    column = f"`{source}`"
    bare = _bare(type_name)
    if target in DECIMALS:
        if bare.startswith(("Float", "BFloat")):
            return f"toDecimal128(toString(ifNull({column}, 0)), 10)"
        if bare.startswith(("Decimal", "Int", "UInt")):
            return f"toDecimal128(ifNull({column}, 0), 10)"
        if bare == "String":
            return f"toDecimal128(ifNull({column}, '0'), 10)"
    elif target in DATES:
        if bare.startswith(("DateTime", "Date")):
            return f"toDate({column}, 'UTC')" if bare.startswith("DateTime") else column
        if bare == "String":
            return f"toDate(parseDateTime64BestEffort({column}, 3, 'UTC'))"
    elif target == "tags":
        if bare.startswith("Map("):
            return f"mapApply((k, v) -> (k, ifNull(v, '')), {column})"
        if bare == "String":
            return f"JSONExtract(ifNull({column}, '{{}}'), 'Map(String, String)')"
    elif bare in ("String", "FixedString") or bare.startswith("FixedString("):
        return f"ifNull({column}, '')"
    elif bare.startswith(("Int", "UInt")):
        return f"toString(ifNull({column}, 0))"
    raise FocusSchemaError(f"column {source} has type {type_name}, which cannot be {target}")


def select_list(schema: Mapping[str, str], file: str) -> str:
    """The SELECT list mapping one file (its `DESCRIBE` as name -> type) onto the table.

    Raises FocusSchemaError naming the file and every missing required column.
    """
    missing = sorted(name for name in REQUIRED if name not in schema)
    if missing:
        raise FocusSchemaError(f"{file}: not a FOCUS export, missing columns {', '.join(missing)}")
    expressions = [
        f"{_expression(source, target, schema[source])} AS {target}"
        for source, target in REQUIRED.items()
    ]
    for source, (target, default) in OPTIONAL.items():
        value = _expression(source, target, schema[source]) if source in schema else default
        expressions.append(f"{value} AS {target}")
    expressions.append("{execution_id:String} AS execution_id")
    expressions.append("{source_file:String} AS source_file")
    return ",\n    ".join(expressions)
