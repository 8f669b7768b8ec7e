"""Load and run the named queries (`components/api/src/queries/<name>.sql`).

The API Worker serves the same files; Python runs them for tests, the seed's self-check and the
benchmarks. Values are always bound by ClickHouse through the files' `{name:Type}` placeholders,
never formatted into the SQL. Before anything is sent, the given parameters must match the
placeholders exactly: a missing or unknown parameter is a `QueryParameterError` naming it.

A named query may be answered by several files that declare the same placeholders and return the
same columns: `delta_nodes` has two for two adjacent weeks (the root, any other node) and, for
other windows, one per kind of node (root, owner, account, closure), picked from `hierarchy`,
`node_id` and the windows exactly as the API Worker picks them (`src/queries/registry.ts`), so
that ClickHouse parses and analyses only the SQL the request needs. The files share text through
`-- @include name.sql` lines (fragments in `queries/include/`, attribution/sql_include.py),
resolved when a file is loaded. Full-line comments (the files' documentation headers) are removed
before the text is sent: the driver and the server would otherwise tokenise them on every call.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from attribution.completeness import DeltaWindows, data_end, delta_windows
from attribution.delta_months import is_month_over_month
from attribution.delta_mtd import is_month_to_date
from attribution.delta_weeks import WEEK_DAYS
from attribution.sql_include import resolve_includes
from clickhouse.client import PoloClickHouse

QUERIES_DIR = Path(__file__).resolve().parent.parent / "api" / "src" / "queries"
# The API's own lookups (not named queries: the Worker asks them to shape an answer, e.g. 404).
LOOKUPS_DIR = QUERIES_DIR.parent / "lookups"
# Fragments the files share through `-- @include name.sql` (attribution/sql_include.py).
INCLUDE_DIR = QUERIES_DIR / "include"

QUERY_NAMES: tuple[str, ...] = (
    "costs_by_customer",
    "costs_by_account_role",
    "daily_trend",
    "delta_nodes",
    "delta_resources",
    "delta_charges",
    "delta_events",
    "resources",
    "hierarchy_tree",
    "node_cost_trend",
    "coverage",
    "dashboard_summary",
    "freshness",
    "export_focus",
)

# Named query -> the files (stems in QUERIES_DIR) that answer it, when it is not just `<name>.sql`.
QUERY_FILES: dict[str, tuple[str, ...]] = {
    "delta_nodes": (
        "delta_nodes_root",
        "delta_nodes_root_week",
        "delta_nodes_week",
        "delta_nodes_root_month",
        "delta_nodes_month",
        "delta_nodes_root_mtd",
        "delta_nodes_mtd",
        "delta_nodes_owner",
        "delta_nodes_account",
        "delta_nodes_closure",
    ),
    "delta_resources": ("delta_resources", "delta_resources_pair"),
}

# Parameters that may be left out, with the values the API Worker binds by default
# (src/queries/registry.ts): the raw (not per-day) delta of effective cost, and every row on one
# page.
DEFAULTS: dict[str, dict[str, Any]] = {
    "delta_nodes": {"normalise": "none", "basis": "effective"},
    "delta_charges": {"normalise": "none"},
    "delta_resources": {"normalise": "none", "basis": "effective", "limit": 1000, "offset": 0},
}

# `{name:Type}`; a type may contain parentheses and quotes (e.g. DateTime64(3, 'UTC')).
_PLACEHOLDER = re.compile(r"\{(?P<name>[A-Za-z_][A-Za-z0-9_]*):(?P<type>[^{}]+)\}")


class QueryParameterError(ValueError):
    """The parameters given do not match the query's placeholders."""


def query_files(name: str) -> tuple[str, ...]:
    """The files (stems) that answer a named query."""
    if name not in QUERY_NAMES:
        raise KeyError(f"unknown named query {name!r}; known: {', '.join(QUERY_NAMES)}")
    return QUERY_FILES.get(name, (name,))


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _windows(parameters: Mapping[str, Any]) -> tuple[date, date, date, date] | None:
    try:
        a0, a1, b0, b1 = (
            _day(parameters[key])
            for key in ("base_start", "base_end", "compare_start", "compare_end")
        )
    except (KeyError, ValueError):
        return None
    return a0, a1, b0, b1


def _is_week_over_week(parameters: Mapping[str, Any]) -> bool:
    """Two adjacent 7-day windows: the API's default comparison, answered from the pairs."""
    windows = _windows(parameters)
    if windows is None:
        return False
    a0, a1, b0, b1 = windows
    week = timedelta(days=WEEK_DAYS)
    return a1 == b0 and a1 - a0 == week and b1 - b0 == week


def _is_month_over_month(parameters: Mapping[str, Any]) -> bool:
    """A calendar month against the month before it, answered from the month pairs."""
    windows = _windows(parameters)
    return windows is not None and is_month_over_month(*windows)


def _is_month_to_date(parameters: Mapping[str, Any], data_end: date | None) -> bool:
    """The first days of a month against the same days of the month before, answered from the
    month-to-date pairs, which exist for compare windows ending on or before `data_end`."""
    windows = _windows(parameters)
    return (
        windows is not None
        and data_end is not None
        and windows[3] <= data_end
        and is_month_to_date(*windows)
    )


def is_month_to_date_shaped(parameters: Mapping[str, Any]) -> bool:
    """Windows shaped like month to date (whether a pair exists depends on the data's end)."""
    windows = _windows(parameters)
    return windows is not None and is_month_to_date(*windows)


def needs_data_end(parameters: Mapping[str, Any]) -> bool:
    """Whether routing `delta_nodes` or `delta_resources` needs the data's end: only
    month-to-date windows that the week and month pairs do not answer first (a whole month
    against the month before is shaped like month to date too, and asking costs a round trip on
    every month request)."""
    return (
        is_month_to_date_shaped(parameters)
        and not _is_week_over_week(parameters)
        and not _is_month_over_month(parameters)
    )


def delta_nodes_file(parameters: Mapping[str, Any], data_end: date | None = None) -> str:
    """The `delta_nodes` file for a node: the same rule as `deltaNodesFile` in registry.ts.

    Two adjacent weeks (the API's default windows) read the week-over-week pairs, two
    consecutive calendar months the month pairs, and month to date (given `data_end`, the day
    after the last day with cost data, and a compare window ending by then) the month-to-date
    pairs, each with one file for the root and one below it; other windows read the blocks, with
    one file per kind of node. Each file refuses a node or windows of another kind, so a
    disagreement fails loudly. An unknown hierarchy goes anywhere: every file rejects it with
    the same message.
    """
    hierarchy = str(parameters.get("hierarchy", ""))
    node_id = str(parameters.get("node_id", ""))
    if _is_week_over_week(parameters):
        return "delta_nodes_root_week" if node_id == "" else "delta_nodes_week"
    if _is_month_over_month(parameters):
        return "delta_nodes_root_month" if node_id == "" else "delta_nodes_month"
    if _is_month_to_date(parameters, data_end):
        return "delta_nodes_root_mtd" if node_id == "" else "delta_nodes_mtd"
    if node_id == "":
        return "delta_nodes_root"
    if hierarchy == "logical" or node_id.startswith("unresourced:"):
        return "delta_nodes_owner"
    if node_id.startswith("account:"):
        return "delta_nodes_account"
    return "delta_nodes_closure"


def delta_resources_file(parameters: Mapping[str, Any], data_end: date | None = None) -> str:
    """The `delta_resources` file: the same rule as `deltaResourcesFile` in registry.ts.

    The raw totals (normalise = 'none') of a precomputed pair (the windows `delta_nodes_file`
    reads from the week, month or month-to-date pairs) read the pair's precomputed resources;
    anything else reads the blocks. The pair file refuses other windows and the per-day view.
    """
    pair = (
        _is_week_over_week(parameters)
        or _is_month_over_month(parameters)
        or _is_month_to_date(parameters, data_end)
    )
    if pair and str(parameters.get("normalise", "none")) == "none":
        return "delta_resources_pair"
    return "delta_resources"


def query_file(name: str, parameters: Mapping[str, Any], data_end: date | None = None) -> str:
    """The file that answers `name` for these parameters (`data_end`: see delta_nodes_file)."""
    files = query_files(name)
    if name == "delta_nodes":
        return delta_nodes_file(parameters, data_end)
    if name == "delta_resources":
        return delta_resources_file(parameters, data_end)
    return files[0]


@cache
def load_query(name: str) -> str:
    """The SQL text of a named query, or of one of its files (e.g. `delta_nodes_root`)."""
    known = {file for query in QUERY_NAMES for file in query_files(query)}
    if name not in known:
        raise KeyError(f"unknown named query {name!r}; known: {', '.join(sorted(known))}")
    return _with_includes((QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8"))


def _fragment(name: str) -> str | None:
    path = INCLUDE_DIR / name
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _with_includes(text: str) -> str:
    return resolve_includes(text, _fragment)


def strip_comment_lines(sql: str) -> str:
    """`sql` without its full-line `--` comments and blank lines (what is sent to ClickHouse).

    Only whole lines are removed, so a `--` inside a string literal or after code is untouched.
    """
    return "\n".join(
        line for line in sql.splitlines() if line.strip() and not line.lstrip().startswith("--")
    )


@cache
def _sendable(file: str) -> str:
    return strip_comment_lines(load_query(file))


def placeholders(sql: str) -> dict[str, str]:
    """Placeholder name → ClickHouse type; a name used twice must keep one type."""
    found: dict[str, str] = {}
    for match in _PLACEHOLDER.finditer(sql):
        name, type_ = match["name"], match["type"].strip()
        if found.setdefault(name, type_) != type_:
            raise QueryParameterError(
                f"placeholder {name!r} is declared as both {found[name]} and {type_}"
            )
    return found


def run_query(
    db: PoloClickHouse, name: str, parameters: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Run a named query; returns its rows as dicts (column name → value).

    Parameters with an API default (`DEFAULTS`) may be left out; any other must be given."""
    given = {**DEFAULTS.get(name, {}), **(parameters or {})}
    end = None
    if name in ("delta_nodes", "delta_resources") and needs_data_end(given):
        last = run_lookup(db, "last_cost_day", {})[0]["last_cost_day"]
        end = None if last is None else last + timedelta(days=1)
    sql = _sendable(query_file(name, given, end))
    expected = placeholders(sql)
    missing = sorted(set(expected) - set(given))
    unknown = sorted(set(given) - set(expected))
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown {', '.join(unknown)}")
        raise QueryParameterError(
            f"{name}: {'; '.join(problems)} (it takes: {', '.join(sorted(expected)) or 'none'})"
        )
    result = db.query(f"named:{name}", sql, given)
    return list(result.named_results())


def run_lookup(
    db: PoloClickHouse, name: str, parameters: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Run one of the API's lookups (`components/api/src/lookups/<name>.sql`) as the Worker does."""
    path = LOOKUPS_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"unknown lookup {name!r}")
    sql = strip_comment_lines(_with_includes(path.read_text(encoding="utf-8")))
    expected = placeholders(sql)
    if set(expected) != set(parameters):
        raise QueryParameterError(
            f"{name}: takes {', '.join(sorted(expected))}, given {', '.join(sorted(parameters))}"
        )
    return list(db.query(f"lookup:{name}", sql, dict(parameters)).named_results())


# The windows of a delta, as the `window_completeness` lookup takes them.
DELTA_WINDOW_PARAMETERS = ("base_start", "base_end", "compare_start", "compare_end")


class DeltaAnswer(BaseModel):
    """A delta query's rows and how complete each of its windows is (the API's `windows`)."""

    rows: list[dict[str, Any]]
    windows: DeltaWindows


def window_completeness(db: PoloClickHouse, parameters: Mapping[str, Any]) -> DeltaWindows:
    """Days with cost data and provisional days of a delta's two windows."""
    windows = {key: parameters[key] for key in DELTA_WINDOW_PARAMETERS}
    rows = run_lookup(db, "window_completeness", windows)
    return delta_windows(windows, rows[0])


def run_delta(db: PoloClickHouse, name: str, parameters: Mapping[str, Any]) -> DeltaAnswer:
    """A delta query (`delta_nodes`, `delta_resources`, `delta_charges`) with each window's
    completeness, as the API answers."""
    if name not in ("delta_nodes", "delta_resources", "delta_charges"):
        raise KeyError(f"{name!r} is not a delta query")
    return DeltaAnswer(
        rows=run_query(db, name, parameters), windows=window_completeness(db, parameters)
    )


def default_data_end(db: PoloClickHouse, today: date) -> date:
    """Where the API's default windows end: the day after the last day with cost data."""
    return data_end(run_lookup(db, "last_cost_day", {})[0]["last_cost_day"], today)
