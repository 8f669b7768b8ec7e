"""Rebuild the attribution of a range of days: snapshots → closure table → attributed cost.

Each day is rebuilt in that order, because each step reads the previous one's output for the
same day. Every step replaces the day, so re-running a range is safe (late events, late cost).
The delta blocks and the precomputed pairs that hold the range's days are refreshed once, after
its last day: per day, a month pair would be rebuilt for each of its days (the seed's 35 days
took ~1.3 s a day, most of it refreshing pairs). Should a day fail, the days already written
(and the failed one) still get their blocks and pairs before the error propagates, so they
never disagree with cost_attributed_daily.

CLI: `python -m attribution.pipeline --start 2026-03-01 --end 2026-04-01 [--url URL]
[--allocation-rules PATH]` (`--end` exclusive; default: yesterday only). The shared-cost split
rules (docs/allocation.md) are read from PATH, else from ./polo-allocation.toml when it exists;
with neither, no cost is split and the result is what it was before rules existed. The CLI
says which file it applied.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel

from attribution import cost_attributor, delta_blocks, hierarchy_builder, snapshot_builder
from attribution.allocation_rules import (
    DEFAULT_RULES_FILE,
    NO_RULES,
    AllocationRules,
    resolve_rules,
)
from clickhouse.client import ClickHouseError, PoloClickHouse, connect


class DayCounts(BaseModel):
    day: date
    snapshots: int
    ancestry: int
    cost_rows: int

    @property
    def rows(self) -> int:
        return self.snapshots + self.ancestry + self.cost_rows


def _rebuild_day(
    db: PoloClickHouse, day: date, *, version: int | None, rules: AllocationRules
) -> DayCounts:
    """Rebuild one day of a range, applying the split `rules` in effect that day; `version`
    defaults to a fresh build version (the seed pins it). The day's delta blocks and pairs are
    left to `rebuild`, which refreshes the range's once."""
    version = version or snapshot_builder.new_version()
    snapshots = snapshot_builder.build_day(db, day, version=version)
    ancestry = hierarchy_builder.build_day(db, day, version=version)
    cost_rows = cost_attributor.attribute_day(db, day, rules, refresh_deltas=False)
    return DayCounts(day=day, snapshots=snapshots, ancestry=ancestry, cost_rows=cost_rows)


def days_between(start: date, end: date) -> list[date]:
    if end <= start:
        raise ValueError(f"end {end.isoformat()} must be after start {start.isoformat()}")
    return [start + timedelta(days=i) for i in range((end - start).days)]


def rebuild(
    db: PoloClickHouse,
    start: date,
    end: date,
    progress: Callable[[DayCounts, int, int, float], None] | None = None,
    *,
    version: int | None = None,
    rules: AllocationRules = NO_RULES,
    deltas_refreshed: Callable[[int, float], None] | None = None,
) -> list[DayCounts]:
    """Rebuild every day of `[start, end)`, then the delta blocks and pairs holding them;
    `progress(counts, done, total, elapsed_s)` after each day, `deltas_refreshed(days, seconds)`
    after the blocks and pairs."""
    days = days_between(start, end)
    began = time.perf_counter()
    done: list[DayCounts] = []
    try:
        for day in days:
            done.append(_rebuild_day(db, day, version=version, rules=rules))
            if progress:
                progress(done[-1], len(done), len(days), time.perf_counter() - began)
    except BaseException:
        # The days written and the one that failed. Best effort on the way out: the original
        # error is the one to report (a database that is down fails this too).
        with contextlib.suppress(ClickHouseError):
            delta_blocks.refresh_days(db, days[: len(done) + 1])
        raise
    refreshing = time.perf_counter()
    delta_blocks.refresh_days(db, days)
    if deltas_refreshed:
        deltas_refreshed(len(days), time.perf_counter() - refreshing)
    return done


def _print_progress(counts: DayCounts, done: int, total: int, elapsed: float) -> None:
    print(
        f"[{done}/{total}] {counts.day.isoformat()}: {counts.snapshots} snapshots, "
        f"{counts.ancestry} ancestry rows, {counts.cost_rows} cost rows "
        f"({elapsed:.1f} s elapsed)",
        flush=True,
    )


def _print_deltas_refreshed(days: int, seconds: float) -> None:
    print(f"delta blocks and pairs of {days} day(s) refreshed in {seconds:.1f} s", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    parser = argparse.ArgumentParser(prog="python -m attribution.pipeline", description=__doc__)
    parser.add_argument("--start", type=date.fromisoformat, default=yesterday)
    parser.add_argument("--end", type=date.fromisoformat, help="exclusive; default start + 1")
    parser.add_argument("--url", help="ClickHouse URL (default: resolved like every Polo tool)")
    parser.add_argument(
        "--allocation-rules",
        type=Path,
        metavar="PATH",
        help=f"shared-cost split rules (default: ./{DEFAULT_RULES_FILE} if it exists, else none)",
    )
    args = parser.parse_args(argv)
    end = args.end or args.start + timedelta(days=1)
    try:
        days_between(args.start, end)
        rules = resolve_rules(args.allocation_rules)
        source = args.allocation_rules or (DEFAULT_RULES_FILE if rules.rule else None)
        print(
            f"allocation rules: {source} ({len(rules.rule)} rule versions)"
            if source
            else "allocation rules: none (no cost is split)",
            flush=True,
        )
        with connect(args.url) as db:
            rebuild(
                db,
                args.start,
                end,
                _print_progress,
                rules=rules,
                deltas_refreshed=_print_deltas_refreshed,
            )
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ClickHouseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
