"""cost_delta_weeks / _months / _mtd (and cost_delta_blocks) → the tables derived from each pair:
`cost_delta_roots`, `cost_delta_pair_moves` and `cost_delta_pair_resources`.

- **Roots** (migration 018): the root's answer of `delta_nodes` for every pair, one row per
  customer (logical) and per account (physical). At the root every line of a pair is under the
  node, so answering it per request meant classifying every line (110-170 ms at 100 000
  resources).
- **Moves and resources** (migration 020): `delta_resources`' rows for every pair. Ranking a
  node's resources per request cost 130-260 ms at 100 000 resources; per pair, each resource that
  stayed in one place (and each moved one as the root sees it) is kept with its line of the
  answer, sorted by |delta|, and the lines of the resources that moved, which are classified per
  request.

Each table has a view `<table>_source(pairs, first, last, min_days)` that computes its rows from
the pair tables (and the blocks). The pair modules call `drop` wherever they drop a pair and
`refresh` after they insert pairs again, so these rows always equal their pair.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from clickhouse.client import PoloClickHouse

# Which pair table a derived row comes from: cost_delta_weeks, _months or _mtd.
Pairs = Literal["week", "month", "mtd"]

ROOTS = "cost_delta_roots"
MOVES = "cost_delta_pair_moves"
RESOURCES = "cost_delta_pair_resources"
# In refresh order: the resources table's moved rows are summed from the moves.
TABLES = (ROOTS, MOVES, RESOURCES)

_DROP_SQL = "ALTER TABLE {table} DROP PARTITION ({{pairs:String}}, {{start:Date}}, {{days:UInt8}})"
_REFRESH_SQL = """
INSERT INTO {table}
SELECT * FROM {table}_source(
    pairs = {{pairs:String}}, first = {{first:Date}}, last = {{last:Date}},
    min_days = {{min_days:UInt8}})
SETTINGS max_partitions_per_insert_block = 0
"""


def drop(db: PoloClickHouse, pairs: Pairs, start: date, compare_days: int = 0) -> None:
    """Drop the derived rows of one pair (`compare_days`: the month-to-date pair's days, else 0)."""
    for table in TABLES:
        db.command(
            "delta_pair_tables.drop",
            _DROP_SQL.format(table=table),
            {"pairs": pairs, "start": start, "days": compare_days},
        )


def refresh(db: PoloClickHouse, pairs: Pairs, first: date, last: date, min_days: int = 0) -> None:
    """Insert the derived rows of the `pairs` pairs starting in [first, last] (month to date: those
    of at least `min_days` days) from the pair tables and the blocks; their old rows must be
    dropped first."""
    for table in TABLES:
        db.command(
            "delta_pair_tables.refresh",
            _REFRESH_SQL.format(table=table),
            {"pairs": pairs, "first": first, "last": last, "min_days": min_days},
        )
