"""Every collector's write path, driven through a local ClickHouse HTTP endpoint with the
driver's default compression, writes exactly the rows it was given (counted and summed back).

Each path is its collector's own persistence function, fed 30 000 rows (many batches). The scan
behind this file (docs/collectors.md, "Write paths") found no collector insert large enough to
span two compressed blocks, the shape of the loss once seen (an endpoint kept the first block of
an insert and acknowledged the whole); these counts keep it that way whatever the batch sizes
become, and the client now also compares every batch with the server's own written-row count.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from chlocal.process import Endpoint, running_endpoint
from clickhouse.client import PoloClickHouse, connect
from collectors.common.collector_run import write_run
from collectors.common.models import CollectorRun, ResourceEvent, ResourceRelationship
from collectors.common.runner import insert_events
from collectors.cost_explorer.rows import CostDailyRow
from collectors.cost_explorer.store import CostStore
from collectors.lifecycle.collector import insert_lifecycle_events
from collectors.lifecycle.events import LifecycleEvent
from collectors.relationships.collector import persist
from schema.migrate import apply_migrations

ROWS = 30_000
ACCOUNT = "123456789012"
REGION = "eu-west-1"
AT = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    with running_endpoint(tmp_path_factory.mktemp("write-paths") / "clickhouse") as running:
        yield running


@pytest.fixture
def db(endpoint: Endpoint) -> Iterator[PoloClickHouse]:
    with connect(f"{endpoint.url}/writes_{uuid.uuid4().hex[:12]}", create_database=True) as polo:
        apply_migrations(polo)
        yield polo


def _events() -> list[ResourceEvent]:
    return [
        ResourceEvent(
            event_time=AT + timedelta(seconds=n),
            ingested_at=AT,
            event_type="observed",
            account_id=ACCOUNT,
            region=REGION,
            resource_type="ec2:instance",
            resource_id=f"i-{n:017x}",
            arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-{n:017x}",
            state="running",
            tags={"Customer": f"customer-{n % 7}", "Name": "x" * (n % 40)},
            source="config_ec2",
        )
        for n in range(ROWS)
    ]


def _edges() -> list[ResourceRelationship]:
    return [
        ResourceRelationship(
            account_id=ACCOUNT,
            region=REGION,
            relationship_type="attached_to",
            source_id=f"vol-{n:017x}",
            source_type="ec2:volume",
            target_id=f"i-{n:017x}",
            target_type="ec2:instance",
            valid_from=AT,
            ingested_at=AT,
        )
        for n in range(ROWS)
    ]


def _lifecycle() -> list[LifecycleEvent]:
    return [
        LifecycleEvent(
            event_id=f"event-{n}",
            event_time=AT + timedelta(seconds=n),
            ingested_at=AT,
            account_id=ACCOUNT,
            region=REGION,
            event_source="ec2.amazonaws.com",
            event_name="RunInstances",
            action="create",
            resource_type="ec2:instance",
            resource_id=f"i-{n:017x}",
            actor_arn=f"arn:aws:iam::{ACCOUNT}:user/engineer-{n % 5}",
        )
        for n in range(ROWS)
    ]


def _cost() -> list[CostDailyRow]:
    return [
        CostDailyRow(
            charge_period_start=date(2026, 11, 1) + timedelta(days=n % 30),
            account_id=ACCOUNT,
            region=REGION,
            service_name="Amazon Elastic Compute Cloud - Compute",
            usage_type="BoxUsage:m5.large",
            resource_id=f"i-{n // 30:017x}",
            billed_cost=Decimal(n % 997) / Decimal(100),
            effective_cost=Decimal(n % 997) / Decimal(100),
            consumed_quantity=Decimal(24),
            pricing_unit="Hrs",
            is_provisional=False,
            collected_at=AT,
        )
        for n in range(ROWS)
    ]


def _count(db: PoloClickHouse, table: str) -> int:
    return db.query("count", "SELECT count() FROM {t:Identifier}", {"t": table}).result_rows[0][0]


PATHS: dict[str, tuple[str, Callable[[PoloClickHouse], int]]] = {
    "config": (
        "resource_events",
        lambda db: insert_events(db, iter(_events()), ACCOUNT, REGION, AT),
    ),
    "relationships": (
        "resource_relationships",
        lambda db: persist(db, _edges(), ACCOUNT, REGION, AT),
    ),
    "lifecycle": ("lifecycle_events", lambda db: insert_lifecycle_events(db, _lifecycle())),
    "cost_explorer": ("cost_daily", lambda db: CostStore(db).write(_cost())),
}


@pytest.mark.parametrize("path", sorted(PATHS))
def test_each_collector_write_path_keeps_every_row(db: PoloClickHouse, path: str) -> None:
    table, write = PATHS[path]

    written = write(db)

    assert written == ROWS
    assert _count(db, table) == ROWS


def test_the_cost_path_keeps_every_cent(db: PoloClickHouse) -> None:
    rows = _cost()
    CostStore(db).write(rows)
    total = db.query("sum", "SELECT sum(billed_cost) FROM cost_daily").result_rows[0][0]
    assert Decimal(total) == sum((r.billed_cost for r in rows), Decimal(0))


def test_the_collector_run_path_keeps_its_row(db: PoloClickHouse) -> None:
    run = CollectorRun(
        run_id="run-1",
        collector="config_ec2",
        account_id=ACCOUNT,
        region=REGION,
        started_at=AT,
        finished_at=AT + timedelta(seconds=3),
        rows_written=ROWS,
        status="ok",
    )
    write_run(db, run)
    assert _count(db, "collector_runs") == 1
