from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from attribution.queries import (
    INCLUDE_DIR,
    QUERIES_DIR,
    QUERY_NAMES,
    QueryParameterError,
    delta_nodes_file,
    delta_resources_file,
    load_query,
    needs_data_end,
    placeholders,
    query_file,
    query_files,
    strip_comment_lines,
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
        "normalise",
        "basis",
    },
    "delta_resources": {
        "base_start",
        "base_end",
        "compare_start",
        "compare_end",
        "hierarchy",
        "node_id",
        "normalise",
        "basis",
        "limit",
        "offset",
    },
    "delta_charges": {
        "base_start",
        "base_end",
        "compare_start",
        "compare_end",
        "hierarchy",
        "node_id",
        "normalise",
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
    "dashboard_summary": {"start", "end", "previous_start", "previous_end"},
    "freshness": set(),
    "export_focus": {"start", "end", "limit", "offset"},
}


# Every file with the named query it answers.
FILES = [(name, file) for name in QUERY_NAMES for file in query_files(name)]


def test_every_named_query_file_exists_and_nothing_else() -> None:
    assert set(QUERY_NAMES) == set(CONTRACT)
    assert {p.stem for p in QUERIES_DIR.glob("*.sql")} == {file for _, file in FILES}


@pytest.mark.parametrize(("name", "file"), FILES)
def test_placeholders_match_the_contract_and_are_documented_in_the_header(
    name: str, file: str
) -> None:
    sql = load_query(file)
    found = placeholders(strip_comment_lines(sql))
    assert found == placeholders(sql), f"{file}: a placeholder is only in a comment"
    assert set(found) == CONTRACT[name]
    header = "\n".join(line for line in sql.splitlines() if line.startswith("--"))
    for param, type_ in found.items():
        assert f"{param} " in header, f"{file}: parameter {param} is not described in the header"
        assert type_ in header, f"{file}: the type {type_} of {param} is not in the header"
    assert "Columns" in header


def test_the_files_of_one_query_declare_the_same_placeholder_types() -> None:
    for name in QUERY_NAMES:
        types = {file: placeholders(load_query(file)) for file in query_files(name)}
        assert len({tuple(sorted(t.items())) for t in types.values()}) == 1, types


def test_sort_column_is_an_identifier_and_money_is_never_float() -> None:
    assert placeholders(load_query("resources"))["sort"] == "Identifier"
    for _, file in FILES:
        assert "Float" not in load_query(file), file


# Two adjacent weeks (the API's default windows) and two adjacent 3-day windows.
WEEK = {
    "base_start": date(2026, 3, 1),
    "base_end": date(2026, 3, 8),
    "compare_start": date(2026, 3, 8),
    "compare_end": date(2026, 3, 15),
}
DAYS_3 = {
    "base_start": date(2026, 3, 5),
    "base_end": date(2026, 3, 8),
    "compare_start": date(2026, 3, 8),
    "compare_end": date(2026, 3, 11),
}
# October against November: calendar months of 31 and 30 days.
MONTHS = {
    "base_start": date(2026, 10, 1),
    "base_end": date(2026, 11, 1),
    "compare_start": date(2026, 11, 1),
    "compare_end": date(2026, 12, 1),
}
# Month to date: the first 5 days of November against the first 5 of October (the month-to-date
# pairs when the data reaches 5 November, else the blocks).
MTD = {
    "base_start": date(2026, 10, 1),
    "base_end": date(2026, 10, 6),
    "compare_start": date(2026, 11, 1),
    "compare_end": date(2026, 11, 6),
}


@pytest.mark.parametrize(
    ("hierarchy", "node_id", "windows", "file"),
    [
        ("logical", "", WEEK, "delta_nodes_root_week"),
        ("physical", "", WEEK, "delta_nodes_root_week"),
        ("spatial", "", WEEK, "delta_nodes_root_week"),
        ("logical", "", {k: v.isoformat() for k, v in WEEK.items()}, "delta_nodes_root_week"),
        ("logical", "customer:acme", WEEK, "delta_nodes_week"),
        ("physical", "account:123456789012", WEEK, "delta_nodes_week"),
        ("physical", "vpc-1", WEEK, "delta_nodes_week"),
        ("logical", "", DAYS_3, "delta_nodes_root"),
        ("physical", "", DAYS_3, "delta_nodes_root"),
        ("logical", "", {**WEEK, "base_start": date(2026, 2, 28)}, "delta_nodes_root"),
        ("logical", "", {**WEEK, "compare_end": date(2026, 3, 16)}, "delta_nodes_root"),
        ("logical", "", {**WEEK, "base_end": "not a date"}, "delta_nodes_root"),
        ("logical", "", {}, "delta_nodes_root"),
        ("logical", "customer:acme", DAYS_3, "delta_nodes_owner"),
        ("logical", "cluster:acme/k1", DAYS_3, "delta_nodes_owner"),
        ("logical", "role:acme//api", DAYS_3, "delta_nodes_owner"),
        ("logical", "i-0abc", DAYS_3, "delta_nodes_owner"),
        ("logical", "account:123456789012", DAYS_3, "delta_nodes_owner"),
        ("physical", "unresourced:123456789012/global/Tax", DAYS_3, "delta_nodes_owner"),
        ("physical", "account:123456789012", DAYS_3, "delta_nodes_account"),
        ("physical", "region:123456789012/eu-west-1", DAYS_3, "delta_nodes_closure"),
        ("physical", "vpc-1", DAYS_3, "delta_nodes_closure"),
        ("physical", "i-0abc", {}, "delta_nodes_closure"),
        ("logical", "", MONTHS, "delta_nodes_root_month"),
        ("physical", "", MONTHS, "delta_nodes_root_month"),
        ("logical", "customer:acme", MONTHS, "delta_nodes_month"),
        ("physical", "account:123456789012", MONTHS, "delta_nodes_month"),
        ("physical", "vpc-1", MONTHS, "delta_nodes_month"),
        ("logical", "", {**MONTHS, "base_start": date(2026, 10, 2)}, "delta_nodes_root"),
        (
            "logical",
            "customer:acme",
            {**MONTHS, "compare_end": date(2026, 11, 30)},
            "delta_nodes_owner",
        ),
        ("physical", "vpc-1", MTD, "delta_nodes_closure"),
    ],
)
def test_delta_nodes_picks_its_file_from_the_hierarchy_the_node_and_the_windows(
    hierarchy: str, node_id: str, windows: dict[str, Any], file: str
) -> None:
    params = {**windows, "hierarchy": hierarchy, "node_id": node_id}
    assert delta_nodes_file(params) == file
    assert query_file("delta_nodes", params) == file


@pytest.mark.parametrize(
    ("windows", "normalise", "data_end", "file"),
    [
        (WEEK, "none", None, "delta_resources_pair"),
        (MONTHS, "none", None, "delta_resources_pair"),
        (MTD, "none", date(2026, 11, 6), "delta_resources_pair"),
        # The per-day view, other windows, and month to date past the data read the blocks.
        (WEEK, "daily", None, "delta_resources"),
        (MONTHS, "daily", date(2026, 12, 1), "delta_resources"),
        (MTD, "daily", date(2026, 11, 6), "delta_resources"),
        (MTD, "none", date(2026, 11, 5), "delta_resources"),
        (MTD, "none", None, "delta_resources"),
        (DAYS_3, "none", None, "delta_resources"),
        ({**WEEK, "compare_end": date(2026, 3, 16)}, "none", None, "delta_resources"),
        ({**MONTHS, "base_start": date(2026, 10, 2)}, "none", None, "delta_resources"),
        ({**WEEK, "base_end": "not a date"}, "none", None, "delta_resources"),
    ],
)
@pytest.mark.parametrize(
    ("hierarchy", "node_id"),
    [("logical", ""), ("logical", "customer:acme"), ("physical", "vpc-1")],
)
def test_delta_resources_reads_the_pairs_for_their_windows_and_raw_totals_only(
    windows: dict[str, Any],
    normalise: str,
    data_end: date | None,
    file: str,
    hierarchy: str,
    node_id: str,
) -> None:
    params = {**windows, "normalise": normalise, "hierarchy": hierarchy, "node_id": node_id}
    assert delta_resources_file(params, data_end) == file
    assert query_file("delta_resources", params, data_end) == file


# 30 March to date against all of February (cut at its end); February against 1-28 January.
MTD_30_MARCH = {
    "base_start": date(2026, 2, 1),
    "base_end": date(2026, 3, 1),
    "compare_start": date(2026, 3, 1),
    "compare_end": date(2026, 3, 31),
}
FEBRUARY_TO_DATE = {
    "base_start": date(2026, 1, 1),
    "base_end": date(2026, 1, 29),
    "compare_start": date(2026, 2, 1),
    "compare_end": date(2026, 3, 1),
}


@pytest.mark.parametrize(
    ("hierarchy", "node_id", "windows", "data_end", "file"),
    [
        ("logical", "", MTD, date(2026, 11, 6), "delta_nodes_root_mtd"),
        ("physical", "", MTD, date(2026, 12, 6), "delta_nodes_root_mtd"),
        ("logical", "customer:acme", MTD, date(2026, 11, 6), "delta_nodes_mtd"),
        ("physical", "account:123456789012", MTD, date(2026, 11, 6), "delta_nodes_mtd"),
        ("physical", "vpc-1", MTD, date(2026, 11, 6), "delta_nodes_mtd"),
        ("logical", "", MTD_30_MARCH, date(2026, 3, 31), "delta_nodes_root_mtd"),
        ("logical", "", FEBRUARY_TO_DATE, date(2026, 3, 1), "delta_nodes_root_mtd"),
        # Past the data's end the pair does not exist yet: the blocks answer.
        ("logical", "", MTD, date(2026, 11, 5), "delta_nodes_root"),
        ("physical", "vpc-1", MTD, date(2026, 11, 5), "delta_nodes_closure"),
        ("logical", "", MTD, None, "delta_nodes_root"),
        # Not the same days: 5 against 4, or a base that does not start on the 1st.
        (
            "logical",
            "",
            {**MTD, "base_end": date(2026, 10, 5)},
            date(2026, 12, 1),
            "delta_nodes_root",
        ),
        (
            "logical",
            "customer:acme",
            {**MTD, "base_start": date(2026, 10, 2), "base_end": date(2026, 10, 7)},
            date(2026, 12, 1),
            "delta_nodes_owner",
        ),
        # A whole month against the whole month before stays month over month.
        ("logical", "", MONTHS, date(2026, 12, 1), "delta_nodes_root_month"),
        (
            "logical",
            "",
            {**MTD_30_MARCH, "compare_end": date(2026, 4, 1)},
            date(2026, 4, 1),
            "delta_nodes_root_month",
        ),
    ],
)
def test_month_to_date_reads_its_pairs_only_inside_the_data(
    hierarchy: str, node_id: str, windows: dict[str, Any], data_end: date | None, file: str
) -> None:
    params = {**windows, "hierarchy": hierarchy, "node_id": node_id}
    assert delta_nodes_file(params, data_end) == file
    assert query_file("delta_nodes", params, data_end) == file


@pytest.mark.parametrize(
    ("windows", "asked"),
    [
        # Month to date: whether its pair exists depends on where the data ends.
        (MTD_30_MARCH, True),
        # A whole month against the month before is shaped like month to date too, but the month
        # pairs answer it first: no round trip for the data's end.
        ({**MTD_30_MARCH, "compare_end": date(2026, 4, 1)}, False),
        (WEEK, False),
        (DAYS_3, False),
        (MTD, True),
    ],
)
def test_the_data_end_is_looked_up_only_for_month_to_date_windows(
    windows: dict[str, Any], asked: bool
) -> None:
    assert needs_data_end({**windows, "hierarchy": "logical", "node_id": ""}) is asked


def test_only_whole_comment_lines_are_stripped_before_sending() -> None:
    sql = "-- header {a:Date}\n\nSELECT '--x', {b:UInt8} -- trailing\n  -- indented\nFROM t"
    assert strip_comment_lines(sql) == "SELECT '--x', {b:UInt8} -- trailing\nFROM t"


def test_placeholders_parse_types_with_parentheses_and_reject_conflicts() -> None:
    sql = "SELECT {a:DateTime64(3, 'UTC')}, {b:UInt32}, {a:DateTime64(3, 'UTC')}"
    assert placeholders(sql) == {"a": "DateTime64(3, 'UTC')", "b": "UInt32"}
    with pytest.raises(QueryParameterError, match="declared as both"):
        placeholders("SELECT {a:Date}, {a:String}")


def test_unknown_query_names_are_refused() -> None:
    with pytest.raises(KeyError, match="unknown named query 'drop_everything'"):
        load_query("drop_everything")
    with pytest.raises(KeyError, match="unknown named query 'delta_nodes_root'"):
        query_files("delta_nodes_root")


def test_every_file_is_loaded_with_its_includes_resolved_and_every_fragment_is_used() -> None:
    files = [file for name in QUERY_NAMES for file in query_files(name)]
    loaded = {file: load_query(file) for file in files}
    assert not [file for file, sql in loaded.items() if "@include" in sql]
    raw = "\n".join((QUERIES_DIR / f"{file}.sql").read_text() for file in files)
    raw += "\n".join(path.read_text() for path in INCLUDE_DIR.glob("*.sql"))
    unused = [p.name for p in INCLUDE_DIR.glob("*.sql") if f"-- @include {p.name}" not in raw]
    assert unused == []
    assert "AS flagged_resources" in loaded["delta_nodes_week"]
