"""Lambda entry point of the daily attribution rebuild (`attribution.pipeline`).

Cost data stays provisional for days (docs/cost-and-lifecycle.md), so each run rebuilds the
last `POLO_REBUILD_DAYS` days up to yesterday (default 5), oldest first. Every step replaces
its day, so a retried or overlapping run is harmless. The event may carry `{"days": N}` or
`{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}` (end exclusive) for a one-off backfill.

Shared-cost split rules (docs/allocation.md) come from the file `POLO_ALLOCATION_RULES` names
(a path on the function's filesystem); unset or empty, no cost is split. Invalid rules stop the
run before it connects to ClickHouse, so a bad edit never rebuilds a day half-right.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from attribution.allocation_rules import (
    NO_RULES,
    AllocationRules,
    AllocationRulesError,
    load_rules,
)
from attribution.pipeline import DayCounts, rebuild
from clickhouse.client import connect

log = logging.getLogger(__name__)

DEFAULT_DAYS = 5
MAX_DAYS = 90
RULES_VARIABLE = "POLO_ALLOCATION_RULES"


def window(event: Mapping[str, Any], environ: Mapping[str, str], today: date) -> tuple[date, date]:
    """[start, end) of the run: yesterday and the days before it."""
    if event.get("start"):
        start = date.fromisoformat(str(event["start"]))
        end = date.fromisoformat(str(event.get("end") or start + timedelta(days=1)))
        return start, end
    raw = event.get("days") or environ.get("POLO_REBUILD_DAYS") or DEFAULT_DAYS
    try:
        days = int(raw)
    except (TypeError, ValueError):
        raise ValueError(f"POLO_REBUILD_DAYS / days={raw!r} is not an integer") from None
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days={days} must be between 1 and {MAX_DAYS}")
    end = today  # exclusive: today is never complete
    return end - timedelta(days=days), end


def allocation_rules(environ: Mapping[str, str]) -> tuple[str | None, AllocationRules]:
    """The rules file `POLO_ALLOCATION_RULES` names and its rules, or (None, no rules).

    Unlike the pipeline's CLI, the job never falls back to ./polo-allocation.toml: what a
    deployed function splits is decided by its configuration only.
    """
    path = environ.get(RULES_VARIABLE, "").strip()
    if not path:
        return None, NO_RULES
    try:
        return path, load_rules(Path(path))
    except AllocationRulesError as error:
        raise AllocationRulesError(
            f"{RULES_VARIABLE}={path}: invalid split rules, nothing was rebuilt:\n{error}"
        ) from None


def handle(
    event: Mapping[str, Any],
    environ: Mapping[str, str],
    *,
    run: Callable[[date, date, AllocationRules], list[DayCounts]],
    today: date,
) -> dict[str, Any]:
    start, end = window(event, environ, today)
    source, rules = allocation_rules(environ)  # before `run` connects: bad rules touch nothing
    counts = run(start, end, rules)
    return {
        "job": "attribution_rebuild",
        "start": start.isoformat(),
        "end": end.isoformat(),
        "allocation_rules": source,
        "allocation_rule_versions": len(rules.rule),
        "days": [c.model_dump(mode="json") for c in counts],
        "rows": sum(c.rows for c in counts),
    }


def handler(event: Mapping[str, Any] | None, context: Any) -> dict[str, Any]:
    """AWS Lambda handler."""
    logging.getLogger().setLevel(logging.INFO)

    def run(start: date, end: date, rules: AllocationRules) -> list[DayCounts]:
        database = os.environ.get("POLO_CLICKHOUSE_DATABASE", "").strip() or None
        with connect(database=database) as db:
            return rebuild(
                db,
                start,
                end,
                lambda c, done, total, elapsed: log.info(
                    "rebuilt %s (%d/%d, %d rows, %.1f s)", c.day, done, total, c.rows, elapsed
                ),
                rules=rules,
                deltas_refreshed=lambda days, seconds: log.info(
                    "refreshed the delta blocks and pairs of %d day(s) in %.1f s", days, seconds
                ),
            )

    summary = handle(event or {}, os.environ, run=run, today=datetime.now(UTC).date())
    log.info("%s", {k: v for k, v in summary.items() if k != "days"})
    return summary
