"""The seed's fingerprint: per table, the row count and an order-independent hash of every row.
The same random seed and end date must give the same checksums (the CLI prints them)."""

from __future__ import annotations

from collections.abc import Iterable

from attribution.seed_writer import DATA_TABLES
from clickhouse.client import PoloClickHouse


def checksums(db: PoloClickHouse, tables: Iterable[str] = DATA_TABLES) -> dict[str, str]:
    """Row count and an order-independent hash of every row, per table."""
    sums = {}
    for table in tables:
        count, digest = db.query(
            f"seed.checksum:{table}",
            "SELECT count(), sum(cityHash64(*)) FROM {table:Identifier}",
            {"table": table},
        ).result_rows[0]
        sums[table] = f"{count}:{digest:016x}"
    return sums
