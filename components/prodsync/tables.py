"""Which tables prod-sync copies, and how each is cut into day-sized chunks.

Time-partitioned tables (docs/data-model.md) are copied day by day by their date column;
dimension tables are copied whole. `cost_by_owner_daily` is never copied: its materialized
view refills it from the `cost_attributed_daily` rows prod-sync inserts, so a copied day there
is cleared first and then rebuilt by the view, exactly as the attribution engine rebuilds a day.
`cost_delta_blocks` (the delta query's input, written by the attribution engine, not by a view) is
copied like any table, day by day of `block_start`: a copied block is the production block, so
windows inside the synced range read exactly the production sums. (A block that starts inside the
range but ends after it also holds production's later days; no window inside the range reads it.)
`cost_delta_weeks`, `cost_delta_months` and `cost_delta_mtd` (week- and month-over-month and
month-to-date pairs, also written by the engine), `cost_delta_roots` (the pairs' answers at the
root) and `cost_delta_pair_resources` / `cost_delta_pair_moves` (their resources' lines) are copied
by `compare_start` in the same way: a pair whose windows reach outside the range holds
production's sums there, and so do the tables derived from it.
`cost_allocations` (the provenance of shared-cost splits, docs/allocation.md) is copied by
`charge_date` with `cost_attributed_daily`, so the copied split rows keep their provenance.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict


class TableSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    # The column a day is cut by; None copies the whole table as one chunk.
    day_column: str | None
    # DateTime64 columns are cut by their UTC calendar day.
    day_column_is_datetime: bool = False
    # Tables fed from this one by a materialized view: their rows for a day are cleared before
    # the day is re-inserted, so the view does not add the day twice.
    derived: tuple[tuple[str, str], ...] = ()

    @property
    def day_expression(self) -> str:
        if self.day_column is None:
            raise ValueError(f"{self.name} is a dimension table: it has no day column")
        if self.day_column_is_datetime:
            return f"toDate(`{self.day_column}`, 'UTC')"
        return f"`{self.day_column}`"


DEFAULT_TABLES: tuple[TableSpec, ...] = (
    TableSpec(name="cost_daily", day_column="charge_period_start"),
    TableSpec(name="resource_snapshots", day_column="snapshot_date"),
    TableSpec(name="resource_ancestry", day_column="snapshot_date"),
    TableSpec(
        name="cost_attributed_daily",
        day_column="charge_date",
        derived=(("cost_by_owner_daily", "charge_date"),),
    ),
    TableSpec(name="cost_allocations", day_column="charge_date"),
    TableSpec(name="cost_delta_blocks", day_column="block_start"),
    TableSpec(name="cost_delta_weeks", day_column="compare_start"),
    TableSpec(name="cost_delta_months", day_column="compare_start"),
    TableSpec(name="cost_delta_mtd", day_column="compare_start"),
    TableSpec(name="cost_delta_roots", day_column="compare_start"),
    TableSpec(name="cost_delta_pair_resources", day_column="compare_start"),
    TableSpec(name="cost_delta_pair_moves", day_column="compare_start"),
    TableSpec(name="lifecycle_events", day_column="event_time", day_column_is_datetime=True),
    TableSpec(name="resource_events", day_column="event_time", day_column_is_datetime=True),
    TableSpec(name="collector_runs", day_column="started_at", day_column_is_datetime=True),
    TableSpec(name="resource_relationships", day_column=None),
)


def select_tables(names: Sequence[str] | None) -> list[TableSpec]:
    """The specs for `names` (all by default), in the default order; unknown names fail."""
    if not names:
        return list(DEFAULT_TABLES)
    known = {spec.name: spec for spec in DEFAULT_TABLES}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(
            f"unknown table(s) {', '.join(unknown)}; prod-sync copies: {', '.join(known)}"
        )
    wanted = set(names)
    return [spec for spec in DEFAULT_TABLES if spec.name in wanted]
