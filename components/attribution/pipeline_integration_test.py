from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from attribution.pipeline import rebuild
from clickhouse.client import PoloClickHouse
from collectors.common.models import ResourceEvent

ACCT = "111111111111"


def test_rebuild_builds_every_day_and_rebuilding_changes_nothing(db: PoloClickHouse) -> None:
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
    seen: list[int] = []
    first = rebuild(
        db, date(2026, 3, 1), date(2026, 3, 3), lambda c, done, total, s: seen.append(done)
    )
    assert seen == [1, 2]
    assert [(c.snapshots, c.cost_rows) for c in first] == [(1, 1), (1, 1)]
    again = rebuild(db, date(2026, 3, 1), date(2026, 3, 3))
    assert [c.rows for c in again] == [c.rows for c in first]
    owners = db.query(
        "t", "SELECT marqo_customer, sum(effective_cost) FROM cost_by_owner_daily GROUP BY 1"
    ).result_rows
    assert owners == [("acme", Decimal("4.8"))]
