"""cost_daily + that day's resource_snapshots → `cost_attributed_daily` (and, through the
materialized view, `cost_by_owner_daily`; then the day's blocks in `cost_delta_blocks`).

Each cost row takes the owner its resource had on that day. The resource is found by id, or by
ARN for the services Cost Explorer reports by ARN; the attributed row then carries the
snapshot's resource id, so cost and inventory name the resource the same way. A cost row with
no resource id, or with one the inventory does not know that day, goes to the explicit
`unattributed` customer with `owner_rule` = `unattributed`: nothing is dropped, and coverage
(attributed cost / all cost) shows how much that is.

Split rules (attribution.allocation_rules, applied by attribution.cost_allocator) then move the
rows they match to their target owners: those rows are left out of the insert and their parts,
one per target, inserted after, with their provenance in `cost_allocations`. Without a rule in
effect on the day the day is written exactly as before rules existed.

Rebuilding a day drops the day's partition in the three tables, then inserts the day again; the
view refills the rollup from that insert. Re-running a day therefore never double counts. Last, the
delta input `cost_delta_blocks` is recomputed for the day's 16-day span (attribution.delta_blocks),
so it always matches what cost_attributed_daily holds.
"""

from __future__ import annotations

from datetime import date

from attribution import delta_blocks
from attribution.allocation_rules import NO_RULES, AllocationRules
from attribution.cost_allocator import (
    find_moves,
    read_candidates,
    read_direct_costs,
    split_moves,
    write_parts,
)
from clickhouse.client import PoloClickHouse

ATTRIBUTED_TABLES = ("cost_attributed_daily", "cost_by_owner_daily", "cost_allocations")

_COLUMNS = (
    "charge_date, account_id, region, service_name, usage_type, resource_id, resource_type, "
    "marqo_customer, marqo_cluster, marqo_role, marqo_environment, owner_rule, is_idle, "
    "billed_cost, effective_cost, consumed_quantity, pricing_unit"
)

# The day's cost rows with their owners, in cost_attributed_daily's columns, plus the
# resource's tags that day (what split rules may match on; not stored).
_ATTRIBUTED_SELECT = """
SELECT
    c.charge_period_start AS charge_date,
    c.account_id AS account_id,
    c.region AS region,
    c.service_name AS service_name,
    c.usage_type AS usage_type,
    if(s.matched, s.resource_id, c.resource_id) AS resource_id,
    s.resource_type AS resource_type,
    if(s.matched, s.marqo_customer, 'unattributed') AS marqo_customer,
    s.marqo_cluster AS marqo_cluster,
    s.marqo_role AS marqo_role,
    s.marqo_environment AS marqo_environment,
    if(s.matched, s.owner_rule, 'unattributed') AS owner_rule,
    s.is_idle AS is_idle,
    c.billed_cost AS billed_cost,
    c.effective_cost AS effective_cost,
    c.consumed_quantity AS consumed_quantity,
    c.pricing_unit AS pricing_unit,
    s.tags AS tags
FROM
(
    SELECT *
    FROM cost_daily FINAL
    WHERE charge_period_start = {day:Date}
) AS c
LEFT ANY JOIN
(
    -- Every snapshot resource under both names Cost Explorer may use for it.
    SELECT key, resource_id, resource_type, marqo_customer, marqo_cluster, marqo_role,
           marqo_environment, owner_rule, is_idle, tags, 1 AS matched
    FROM resource_snapshots FINAL
    ARRAY JOIN arrayDistinct(arrayFilter(k -> k != '', [resource_id, arn])) AS key
    WHERE snapshot_date = {day:Date}
) AS s ON c.resource_id = s.key
"""

_INSERT_SQL = f"""
INSERT INTO cost_attributed_daily ({_COLUMNS})
SELECT * EXCEPT (tags) FROM ({_ATTRIBUTED_SELECT})
SETTINGS join_use_nulls = 0
"""

# The same, without the rows split rules move (their parts are inserted after).
_INSERT_KEPT_SQL = f"""
INSERT INTO cost_attributed_daily ({_COLUMNS})
SELECT * EXCEPT (tags) FROM ({_ATTRIBUTED_SELECT})
WHERE (account_id, service_name, usage_type, resource_id) NOT IN (
    SELECT untuple(arrayJoin({{moved:Array(Tuple(String, String, String, String))}}))
)
SETTINGS join_use_nulls = 0
"""


def attribute_day(
    db: PoloClickHouse,
    day: date,
    rules: AllocationRules = NO_RULES,
    *,
    refresh_deltas: bool = True,
) -> int:
    """Rebuild `day` in cost_attributed_daily (its rollup, its allocations and, unless
    `refresh_deltas` is false, its delta blocks and pairs), applying the split `rules` in effect
    that day; returns the rows written to cost_attributed_daily. A caller that passes
    `refresh_deltas=False` must call `delta_blocks.refresh_days` for the day itself (a range
    rebuild does it once for all its days)."""
    for table in ATTRIBUTED_TABLES:
        db.command(
            f"cost_attributor.drop_day:{table}",
            f"ALTER TABLE {table} DROP PARTITION {{day:String}}",
            {"day": day.isoformat()},
        )
    in_effect = rules.in_effect(day)
    moves = (
        find_moves(read_candidates(db, _ATTRIBUTED_SELECT, day, in_effect), in_effect)
        if in_effect
        else []
    )
    if moves:
        moved = sorted({move.row.key for move in moves})
        db.command(
            "cost_attributor.insert_day_kept", _INSERT_KEPT_SQL, {"day": day, "moved": moved}
        )
        # Direct cost is read once the kept rows are in: the weights of `proportional`.
        write_parts(db, day, split_moves(moves, read_direct_costs(db, day)))
    else:
        db.command("cost_attributor.insert_day", _INSERT_SQL, {"day": day})
    if refresh_deltas:
        delta_blocks.refresh_days(db, [day])
    result = db.query(
        "cost_attributor.count_day",
        "SELECT count() FROM cost_attributed_daily WHERE charge_date = {day:Date}",
        {"day": day},
    )
    return int(result.result_rows[0][0])
