from __future__ import annotations

import pytest

from attribution.queries import (
    QUERIES_DIR,
    QUERY_NAMES,
    QueryParameterError,
    load_query,
    placeholders,
)

# The parameters of every named query, as the cross-team contract names them.
CONTRACT = {
    "costs_by_customer": {"start", "end"},
    "costs_by_account_role": {"start", "end", "customer"},
    "daily_trend": {"start", "end", "customer"},
    "delta_nodes": {
        "base_start",
        "base_end",
        "compare_start",
        "compare_end",
        "hierarchy",
        "node_id",
    },
    "delta_resources": {
        "base_start",
        "base_end",
        "compare_start",
        "compare_end",
        "hierarchy",
        "node_id",
    },
    "delta_events": {"resource_id", "start", "end"},
    "resources": {
        "as_of",
        "customer",
        "cluster",
        "role",
        "account_id",
        "resource_type",
        "state",
        "search",
        "sort",
        "direction",
        "limit",
        "offset",
    },
    "hierarchy_tree": {"start", "end", "as_of", "hierarchy", "node_id"},
    "node_cost_trend": {"hierarchy", "node_id", "start", "end"},
    "coverage": {"start", "end"},
    "freshness": set(),
}


def test_every_named_query_file_exists_and_nothing_else() -> None:
    assert {p.stem for p in QUERIES_DIR.glob("*.sql")} == set(QUERY_NAMES) == set(CONTRACT)


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_placeholders_match_the_contract_and_are_documented_in_the_header(name: str) -> None:
    sql = load_query(name)
    found = placeholders(sql)
    assert set(found) == CONTRACT[name]
    header = "\n".join(line for line in sql.splitlines() if line.startswith("--"))
    for param, type_ in found.items():
        assert f"{param} " in header, f"{name}: parameter {param} is not described in the header"
        assert type_ in header, f"{name}: the type {type_} of {param} is not in the header"
    assert "Columns" in header


def test_sort_column_is_an_identifier_and_money_is_never_float() -> None:
    assert placeholders(load_query("resources"))["sort"] == "Identifier"
    for name in QUERY_NAMES:
        assert "Float" not in load_query(name), name


def test_placeholders_parse_types_with_parentheses_and_reject_conflicts() -> None:
    sql = "SELECT {a:DateTime64(3, 'UTC')}, {b:UInt32}, {a:DateTime64(3, 'UTC')}"
    assert placeholders(sql) == {"a": "DateTime64(3, 'UTC')", "b": "UInt32"}
    with pytest.raises(QueryParameterError, match="declared as both"):
        placeholders("SELECT {a:Date}, {a:String}")


def test_unknown_query_names_are_refused() -> None:
    with pytest.raises(KeyError, match="unknown named query 'drop_everything'"):
        load_query("drop_everything")
