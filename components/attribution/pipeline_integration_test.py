from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from attribution.pipeline import DayCounts, rebuild
from clickhouse.client import ClickHouseError, PoloClickHouse
from collectors.common.models import ResourceEvent

ACCT = "111111111111"


def _one_instance_for_two_days(db: PoloClickHouse) -> None:
    when = datetime(2026, 3, 1, 6, tzinfo=UTC)
    db.insert_rows(
        "resource_events",
        [
            ResourceEvent(
                event_time=when,
                ingested_at=when,
                event_type="observed",
                account_id=ACCT,
                region="eu-west-1",
                resource_type="ec2:instance",
                resource_id="i-1",
                arn=f"arn:aws:ec2:eu-west-1:{ACCT}:instance/i-1",
                state="running",
                tags={"Customer": "acme"},
                marqo_customer="acme",
                owner_rule="tag:Customer",
                source="test",
            )
        ],
    )
    db.insert_rows(
        "cost_daily",
        [
            {
                "charge_period_start": date(2026, 3, day),
                "account_id": ACCT,
                "region": "eu-west-1",
                "service_name": "EC2",
                "usage_type": "BoxUsage",
                "resource_id": "i-1",
                "billed_cost": Decimal("2.4"),
                "effective_cost": Decimal("2.4"),
                "consumed_quantity": Decimal(24),
                "pricing_unit": "Hrs",
                "is_provisional": 0,
            }
            for day in (1, 2)
        ],
    )


def _block_costs(db: PoloClickHouse) -> dict[date, int]:
    """Each day's cost in the one-day delta blocks, in micro-units."""
    rows = db.query(
        "t",
        "SELECT block_start, sum(cost_micro) FROM cost_delta_blocks WHERE level = 0 GROUP BY 1",
    ).result_rows
    return {day: int(total) for day, total in rows}


def test_rebuild_builds_every_day_and_rebuilding_changes_nothing(db: PoloClickHouse) -> None:
    _one_instance_for_two_days(db)
    seen: list[int] = []
    refreshed: list[int] = []
    first = rebuild(
        db,
        date(2026, 3, 1),
        date(2026, 3, 3),
        lambda c, done, total, s: seen.append(done),
        deltas_refreshed=lambda days, s: refreshed.append(days),
    )
    assert seen == [1, 2]
    # The blocks and pairs are refreshed once, for the whole range, after its last day.
    assert refreshed == [2]
    assert _block_costs(db) == {date(2026, 3, 1): 2_400_000, date(2026, 3, 2): 2_400_000}
    assert [(c.snapshots, c.cost_rows) for c in first] == [(1, 1), (1, 1)]
    again = rebuild(db, date(2026, 3, 1), date(2026, 3, 3))
    assert [c.rows for c in again] == [c.rows for c in first]
    owners = db.query(
        "t", "SELECT marqo_customer, sum(effective_cost) FROM cost_by_owner_daily GROUP BY 1"
    ).result_rows
    assert owners == [("acme", Decimal("4.8"))]


def test_a_day_that_fails_leaves_the_blocks_equal_to_the_attributed_cost(
    db: PoloClickHouse,
) -> None:
    _one_instance_for_two_days(db)

    def break_the_next_day(counts: DayCounts, done: int, total: int, seconds: float) -> None:
        # A real fault: the second day's attribution finds a table gone.
        db.command("t", "DROP TABLE cost_allocations")

    with pytest.raises(ClickHouseError):
        rebuild(db, date(2026, 3, 1), date(2026, 3, 3), break_the_next_day)

    attributed = db.query(
        "t", "SELECT charge_date, count() FROM cost_attributed_daily GROUP BY 1"
    ).result_rows
    assert attributed == [(date(2026, 3, 1), 1)]
    # The first day was written before the failure: its blocks were refreshed on the way out.
    assert _block_costs(db) == {date(2026, 3, 1): 2_400_000}
