"""The deployed rebuild's handler with a rules file, against embedded ClickHouse."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from clickhouse_connect.driver.client import Client

from attribution.queries import run_query
from clickhouse.client import PoloClickHouse
from collectors.common.models import ResourceEvent
from jobs.attribution_rebuild import handler
from schema.migrate import apply_migrations

ACCT = "111111111111"
DAY = date(2026, 12, 1)
RULES = """\
version = 1

[[rule]]
id = "support"
effective_from = 2026-12-01
match = { customer = "unattributed", service = "AWS Support (Business)" }
method = "even"
to = [{ customer = "acme" }, { customer = "globex" }]
"""


def cost(service: str, resource_id: str, amount: str) -> dict[str, object]:
    return {
        "charge_period_start": DAY,
        "account_id": ACCT,
        "region": "eu-west-1",
        "service_name": service,
        "usage_type": "Usage",
        "resource_id": resource_id,
        "billed_cost": Decimal(amount),
        "effective_cost": Decimal(amount),
        "consumed_quantity": Decimal(24),
        "pricing_unit": "Hrs",
        "is_provisional": 0,
    }


def test_the_job_splits_what_its_rules_file_says(
    ch_client: Client,
    ch_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    db = PoloClickHouse(ch_client)
    apply_migrations(db)
    seen = datetime(2026, 12, 1, 6, tzinfo=UTC)
    db.insert_rows(
        "resource_events",
        [
            ResourceEvent(
                event_time=seen,
                ingested_at=seen,
                event_type="observed",
                account_id=ACCT,
                region="eu-west-1",
                resource_type="ec2:instance",
                resource_id="i-1",
                arn=f"arn:aws:ec2:eu-west-1:{ACCT}:instance/i-1",
                state="running",
                tags={"Customer": "acme"},
                marqo_customer="acme",
                marqo_cluster="a1",
                owner_rule="tag:Customer",
                source="test",
            )
        ],
    )
    db.insert_rows(
        "cost_daily", [cost("EC2", "i-1", "10"), cost("AWS Support (Business)", "", "1")]
    )
    rules = tmp_path / "polo-allocation.toml"
    rules.write_text(RULES)
    monkeypatch.setenv(
        "POLO_CLICKHOUSE_URL", os.environ.get("POLO_CLICKHOUSE_URL") or f"chdb://{ch_client.path}"
    )
    monkeypatch.setenv("POLO_CLICKHOUSE_DATABASE", ch_database)
    monkeypatch.setenv("POLO_ALLOCATION_RULES", str(rules))

    summary = handler({"start": "2026-12-01", "end": "2026-12-02"}, None)

    assert summary["allocation_rules"] == str(rules)
    # Progress in the Lambda's log: each day, then the blocks and pairs of the range, once.
    logged = [r.getMessage() for r in caplog.records if r.name == "jobs.attribution_rebuild"]
    assert [m.split(" (")[0] for m in logged if m.startswith("rebuilt ")] == ["rebuilt 2026-12-01"]
    assert [m.split(" in ")[0] for m in logged if m.startswith("refreshed ")] == [
        "refreshed the delta blocks and pairs of 1 day(s)"
    ]
    window = {"start": DAY, "end": date(2026, 12, 2)}
    by_customer = {
        r["customer"]: r["effective_cost"] for r in run_query(db, "costs_by_customer", window)
    }
    # The support fee nobody owned is shared evenly; nothing is left unattributed.
    assert by_customer == {"acme": Decimal("10.5"), "globex": Decimal("0.5")}
    moved = db.query(
        "test", "SELECT to_customer, effective_cost FROM cost_allocations ORDER BY to_customer"
    ).result_rows
    assert moved == [("acme", Decimal("0.5")), ("globex", Decimal("0.5"))]
