"""What `cost_daily` already holds for the days a run plans, and writing the run's rows.

Reads use FINAL: the table is a ReplacingMergeTree by `collected_at`, so only the latest
collection of each key counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date

from clickhouse.client import PoloClickHouse
from collectors.cost_explorer.rows import COST_DAILY_COLUMNS, CostDailyRow

TABLE = "cost_daily"


class CostStore:
    """`cost_daily` reads and writes for the Cost Explorer collector."""

    def __init__(self, clickhouse: PoloClickHouse) -> None:
        self._ch = clickhouse

    def final_days(self, start: date, end: date) -> set[date]:
        """Days in `[start, end)` whose stored rows are all final (`is_provisional = 0`)."""
        result = self._ch.query(
            "cost_explorer.final_days",
            f"SELECT charge_period_start FROM {TABLE} FINAL"
            " WHERE charge_period_start >= {start:Date} AND charge_period_start < {end:Date}"
            " GROUP BY charge_period_start HAVING max(is_provisional) = 0",
            {"start": start, "end": end},
        )
        return {row[0] for row in result.result_rows}

    def current_rows(self, days: Sequence[date]) -> list[CostDailyRow]:
        """The latest stored row of every key on `days`."""
        if not days:
            return []
        columns = ", ".join(COST_DAILY_COLUMNS)
        result = self._ch.query(
            "cost_explorer.current_rows",
            f"SELECT {columns} FROM {TABLE} FINAL"
            " WHERE charge_period_start IN {days:Array(Date)}",
            {"days": list(days)},
        )
        rows = []
        for values in result.result_rows:
            row = dict(zip(COST_DAILY_COLUMNS, values, strict=True))
            # The column is UTC; depending on the driver's settings it comes back naive.
            if row["collected_at"].tzinfo is None:
                row["collected_at"] = row["collected_at"].replace(tzinfo=UTC)
            rows.append(CostDailyRow.model_validate(row))
        return rows

    def write(self, rows: Sequence[CostDailyRow]) -> int:
        return self._ch.insert_rows(TABLE, list(rows), column_names=list(COST_DAILY_COLUMNS))
