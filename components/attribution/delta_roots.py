"""cost_delta_weeks / _months / _mtd → `cost_delta_roots`: the root's answer of `delta_nodes`
for every precomputed pair, one row per customer (logical) and per account (physical).

At the root every line of a pair is under the node, so answering it per request meant
classifying every line (110-170 ms at 100 000 resources). Migration 018's view computes the same
sums once per pair from the pair table; the pair modules call `drop` wherever they drop a pair
and `refresh` after they insert pairs again, so a pair's roots always equal the pair.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from clickhouse.client import PoloClickHouse

TABLE = "cost_delta_roots"
SOURCE = "cost_delta_roots_source"
# Which pair table a root row summarises: cost_delta_weeks, _months or _mtd.
Pairs = Literal["week", "month", "mtd"]

_REFRESH_SQL = f"""
INSERT INTO {TABLE}
SELECT * FROM {SOURCE}(
    pairs = {{pairs:String}}, first = {{first:Date}}, last = {{last:Date}},
    min_days = {{min_days:UInt8}})
SETTINGS max_partitions_per_insert_block = 0
"""


def drop(db: PoloClickHouse, pairs: Pairs, start: date, compare_days: int = 0) -> None:
    """Drop the roots of one pair (`compare_days`: the month-to-date pair's days, else 0)."""
    db.command(
        "delta_roots.drop",
        f"ALTER TABLE {TABLE} DROP PARTITION ({{pairs:String}}, {{start:Date}}, {{days:UInt8}})",
        {"pairs": pairs, "start": start, "days": compare_days},
    )


def refresh(db: PoloClickHouse, pairs: Pairs, first: date, last: date, min_days: int = 0) -> None:
    """Insert the roots of the `pairs` pairs starting in [first, last] (month to date: those of
    at least `min_days` days) from the pair table; their old roots must be dropped first."""
    db.command(
        "delta_roots.refresh",
        _REFRESH_SQL,
        {"pairs": pairs, "first": first, "last": last, "min_days": min_days},
    )
