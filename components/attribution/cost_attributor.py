"""cost_daily + that day's resource_snapshots → `cost_attributed_daily` (and, through the
materialized view, `cost_by_owner_daily`; then the day's blocks in `cost_delta_blocks`).

Each cost row takes the owner its resource had on that day. The resource is found by id, or by
ARN for the services Cost Explorer reports by ARN; the attributed row then carries the
snapshot's resource id, so cost and inventory name the resource the same way. A cost row with
no resource id, or with one the inventory does not know that day, goes to the explicit
`unattributed` customer with `owner_rule` = `unattributed`: nothing is dropped, and coverage
(attributed cost / all cost) shows how much that is.

Rebuilding a day drops the day's partition in both tables, then inserts the day again; the view
refills the rollup from that insert. Re-running a day therefore never double counts. Last, the
delta input `cost_delta_blocks` is recomputed for the day's 16-day span (attribution.delta_blocks),
so it always matches what cost_attributed_daily holds.
"""

from __future__ import annotations

from datetime import date

from attribution import delta_blocks
from clickhouse.client import PoloClickHouse

ATTRIBUTED_TABLES = ("cost_attributed_daily", "cost_by_owner_daily")

_INSERT_SQL = """
INSERT INTO cost_attributed_daily
    (charge_date, account_id, region, service_name, usage_type, resource_id, resource_type,
     marqo_customer, marqo_cluster, marqo_role, marqo_environment, owner_rule, is_idle,
     billed_cost, effective_cost, consumed_quantity, pricing_unit)
SELECT
    c.charge_period_start,
    c.account_id,
    c.region,
    c.service_name,
    c.usage_type,
    if(s.matched, s.resource_id, c.resource_id),
    s.resource_type,
    if(s.matched, s.marqo_customer, 'unattributed'),
    s.marqo_cluster,
    s.marqo_role,
    s.marqo_environment,
    if(s.matched, s.owner_rule, 'unattributed'),
    s.is_idle,
    c.billed_cost,
    c.effective_cost,
    c.consumed_quantity,
    c.pricing_unit
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
           marqo_environment, owner_rule, is_idle, 1 AS matched
    FROM resource_snapshots FINAL
    ARRAY JOIN arrayDistinct(arrayFilter(k -> k != '', [resource_id, arn])) AS key
    WHERE snapshot_date = {day:Date}
) AS s ON c.resource_id = s.key
SETTINGS join_use_nulls = 0
"""


def attribute_day(db: PoloClickHouse, day: date) -> int:
    """Rebuild `day` in cost_attributed_daily (its rollup and its delta blocks); returns the rows
    written to cost_attributed_daily."""
    for table in ATTRIBUTED_TABLES:
        db.command(
            f"cost_attributor.drop_day:{table}",
            f"ALTER TABLE {table} DROP PARTITION {{day:String}}",
            {"day": day.isoformat()},
        )
    db.command("cost_attributor.insert_day", _INSERT_SQL, {"day": day})
    delta_blocks.refresh_days(db, [day])
    result = db.query(
        "cost_attributor.count_day",
        "SELECT count() FROM cost_attributed_daily WHERE charge_date = {day:Date}",
        {"day": day},
    )
    return int(result.result_rows[0][0])
