"""Writing the seed into ClickHouse: the tables it fills must be empty (or wiped on request)
before it starts, and each table must hold exactly the rows sent to it."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from clickhouse.client import PoloClickHouse

DATA_TABLES = (
    "resource_events",
    "resource_relationships",
    "lifecycle_events",
    "cost_daily",
    "collector_runs",
    "resource_snapshots",
    "resource_ancestry",
    "cost_attributed_daily",
    "cost_by_owner_daily",
    # The demo's split rule writes provenance here, and a database the pipeline ran on with other
    # rules holds theirs: --replace must wipe it with the rows it describes.
    "cost_allocations",
    "cost_delta_blocks",
    "cost_delta_weeks",
    "cost_delta_months",
    "cost_delta_mtd",
    "cost_delta_roots",
    "cost_delta_pair_moves",
    "cost_delta_pair_resources",
)

Progress = Callable[[str, int, float], None]
"""Called with a phase (a table, or a stretch of built days), its rows and its seconds."""


class SeedError(Exception):
    """The target database is not in a state the seed can write to."""


def prepare_tables(db: PoloClickHouse, *, replace: bool) -> None:
    """Refuse a database that holds data in any of the seed's tables, unless told to wipe them."""
    counts = {
        table: db.query(
            "seed.count", "SELECT count() FROM {t:Identifier}", {"t": table}
        ).result_rows[0][0]
        for table in DATA_TABLES
    }
    if any(counts.values()) and not replace:
        busy = ", ".join(f"{t} ({n} rows)" for t, n in counts.items() if n)
        raise SeedError(f"the database already holds data: {busy}; use --replace to wipe it")
    if replace:
        for table in DATA_TABLES:
            db.command("seed.truncate", "TRUNCATE TABLE {t:Identifier}", {"t": table})


def _verify_written(db: PoloClickHouse, table: str, written: int) -> None:
    """The table (empty before the seed) holds exactly the rows just sent, or the seed stops.

    A write path can acknowledge an insert and keep only part of it (an endpoint that decoded
    one compressed frame of many did); the seed is the demo everyone looks at, so it checks.
    """
    result = db.query("seed.verify", "SELECT count() FROM {t:Identifier}", {"t": table})
    held = result.result_rows[0][0]
    if held != written:
        raise SeedError(
            f"{table}: the seed wrote {written} rows but the table holds {held}: "
            "rows were lost between the client and ClickHouse"
        )


class SeedWriter:
    """Inserts a table's rows, checks that the table kept them all and reports the phase; `rows`
    holds the count written per table, in writing order."""

    def __init__(self, db: PoloClickHouse, report: Progress) -> None:
        self.db = db
        self.report = report
        self.rows: dict[str, int] = {}

    def write(self, table: str, items: Sequence[Any]) -> None:
        started = time.perf_counter()
        self.rows[table] = self.db.insert_rows(table, items, batch_size=20_000)
        _verify_written(self.db, table, self.rows[table])
        self.report(table, self.rows[table], time.perf_counter() - started)
