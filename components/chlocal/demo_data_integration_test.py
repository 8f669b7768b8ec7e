from __future__ import annotations

from datetime import date
from decimal import Decimal

from chlocal.demo_data import seed_when_empty
from chlocal.process import Endpoint
from collectors.common.clickhouse_client import connect
from schema.migrate import apply_migrations


def test_seeds_an_empty_database_once_and_never_over_data(
    endpoint: Endpoint, fresh_database: str
) -> None:
    url = f"http://127.0.0.1:{endpoint.port}/{fresh_database}"
    with connect(url) as db:
        apply_migrations(db)
    seeded: list[str] = []
    messages: list[str] = []

    assert seed_when_empty(url, report=messages.append, seed=seeded.append)
    assert seeded == [url]
    assert "empty database, seeding" in messages[-1]

    with connect(url) as db:
        db.insert_rows(
            "cost_daily",
            [
                {
                    "charge_period_start": date(2026, 11, 1),
                    "account_id": "123456789012",
                    "service_name": "Amazon Elastic Compute Cloud - Compute",
                    "usage_type": "BoxUsage:m5.large",
                    "billed_cost": Decimal("1.250000"),
                    "effective_cost": Decimal("1.250000"),
                    "consumed_quantity": Decimal("10"),
                }
            ],
        )
    assert not seed_when_empty(url, report=messages.append, seed=seeded.append)
    assert seeded == [url]
    assert "present, not seeding" in messages[-1]
