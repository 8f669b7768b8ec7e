"""cost_delta_weeks / _months / _mtd + cost_delta_blocks → `cost_delta_pair_resources` and
`cost_delta_pair_moves`: `delta_resources`' rows for every precomputed pair.

Ranking a node's resources per request cost 130-260 ms at 100 000 resources. Migration 020 keeps,
per pair, each resource that stayed in one place (and each moved one as the root sees it) with
its line of the answer, sorted by |delta|, and the lines of the resources that moved, which are
classified per request. The pair modules call `drop` wherever they drop a pair and `refresh` after
they insert pairs again (and the blocks they came from), like `delta_roots`, so these rows always
equal their pair.
"""

from __future__ import annotations

from datetime import date

from attribution.delta_roots import Pairs
from clickhouse.client import PoloClickHouse

# The moves first: the resources table's moved rows are summed from them.
TABLES = ("cost_delta_pair_moves", "cost_delta_pair_resources")

_REFRESH_SQL = """
INSERT INTO {table}
SELECT * FROM {table}_source(
    pairs = {{pairs:String}}, first = {{first:Date}}, last = {{last:Date}},
    min_days = {{min_days:UInt8}})
SETTINGS max_partitions_per_insert_block = 0
"""


def drop(db: PoloClickHouse, pairs: Pairs, start: date, compare_days: int = 0) -> None:
    """Drop the rows of one pair (`compare_days`: the month-to-date pair's days, else 0)."""
    for table in TABLES:
        db.command(
            "delta_pair_resources.drop",
            f"ALTER TABLE {table} " "DROP PARTITION ({pairs:String}, {start:Date}, {days:UInt8})",
            {"pairs": pairs, "start": start, "days": compare_days},
        )


def refresh(db: PoloClickHouse, pairs: Pairs, first: date, last: date, min_days: int = 0) -> None:
    """Insert the rows of the `pairs` pairs starting in [first, last] (month to date: those of at
    least `min_days` days) from the pair tables and the blocks; their old rows must be dropped
    first."""
    for table in TABLES:
        db.command(
            "delta_pair_resources.refresh",
            _REFRESH_SQL.format(table=table),
            {"pairs": pairs, "first": first, "last": last, "min_days": min_days},
        )
