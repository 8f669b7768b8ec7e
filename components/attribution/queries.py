"""Load and run the named queries (`components/api/src/queries/<name>.sql`).

The API Worker serves the same files; Python runs them for tests, the seed's self-check and the
benchmarks. Values are always bound by ClickHouse through the files' `{name:Type}` placeholders,
never formatted into the SQL. Before anything is sent, the given parameters must match the
placeholders exactly: a missing or unknown parameter is a `QueryParameterError` naming it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from collectors.common.clickhouse_client import PoloClickHouse

QUERIES_DIR = Path(__file__).resolve().parent.parent / "api" / "src" / "queries"

QUERY_NAMES: tuple[str, ...] = (
    "costs_by_customer",
    "costs_by_account_role",
    "daily_trend",
    "delta_nodes",
    "delta_resources",
    "delta_events",
    "resources",
    "hierarchy_tree",
    "node_cost_trend",
    "coverage",
    "freshness",
)

# `{name:Type}`; a type may contain parentheses and quotes (e.g. DateTime64(3, 'UTC')).
_PLACEHOLDER = re.compile(r"\{(?P<name>[A-Za-z_][A-Za-z0-9_]*):(?P<type>[^{}]+)\}")


class QueryParameterError(ValueError):
    """The parameters given do not match the query's placeholders."""


@cache
def load_query(name: str) -> str:
    """The SQL text of a named query."""
    if name not in QUERY_NAMES:
        raise KeyError(f"unknown named query {name!r}; known: {', '.join(QUERY_NAMES)}")
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


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
    """Run a named query; returns its rows as dicts (column name → value)."""
    sql = load_query(name)
    expected = placeholders(sql)
    given = dict(parameters or {})
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
