from __future__ import annotations

from datetime import date
from decimal import Decimal

from attribution.seed import SeedConfig, seed
from chlocal.process import Endpoint
from clickhouse.client import connect
from schema.migrate import apply_migrations
from stack.demo_data import seed_when_empty


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


def test_the_demo_seed_over_http_keeps_every_row_and_has_cost_on_every_day(
    endpoint: Endpoint, fresh_database: str
) -> None:
    # The demo's own size: its cost_daily batch is ~18 000 rows, many compressed blocks in one
    # insert (an endpoint that kept one block held 16 384 and no cost for the last three days).
    config = SeedConfig(random_seed=7, end_date=date(2026, 12, 4))
    url = f"http://127.0.0.1:{endpoint.port}/{fresh_database}"
    with connect(url) as db:
        apply_migrations(db)
        result = seed(db, config)
        held = {
            table: db.query(
                "test.count", "SELECT count() FROM {t:Identifier}", {"t": table}
            ).result_rows[0][0]
            for table in ("resource_events", "cost_daily", "lifecycle_events")
        }
        days_with_cost = db.query(
            "test.days",
            "SELECT count(DISTINCT charge_period_start) FROM cost_daily WHERE billed_cost > 0",
        ).result_rows[0][0]
        days_attributed = db.query(
            "test.days_attributed",
            "SELECT count(DISTINCT charge_date) FROM cost_attributed_daily",
        ).result_rows[0][0]

    assert result.rows["cost_daily"] > 16_384
    assert held == {table: result.rows[table] for table in held}
    assert days_with_cost == config.days
    assert days_attributed == config.days
