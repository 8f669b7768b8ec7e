from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from collectors.cost_explorer.merge import merge_rows
from collectors.cost_explorer.plan import plan_collection
from collectors.cost_explorer.rows import CostDailyRow, CostLine
from collectors.cost_explorer.settings import CostExplorerSettings

TODAY = date(2024, 3, 20)
DAY = date(2024, 3, 17)  # provisional: within the trailing 3 days
OLD = date(2024, 2, 25)  # last month, outside the 14-day resource window
EARLIER = datetime(2024, 3, 19, 6, tzinfo=UTC)
NOW = datetime(2024, 3, 20, 6, tzinfo=UTC)
ACCOUNT = "111111111111"
EC2 = "Amazon Elastic Compute Cloud - Compute"
BOX = "USE1-BoxUsage:m5.large"
PLAN = plan_collection(TODAY, CostExplorerSettings(backfill_days=30), final_days=set())


def line(
    day: date,
    billed: str,
    quantity: str = "1",
    *,
    resource: str = "",
    usage_type: str = BOX,
    estimated: bool = False,
) -> CostLine:
    return CostLine(
        day=day,
        account_id=ACCOUNT,
        service_name=EC2,
        usage_type=usage_type,
        resource_id=resource,
        billed_cost=Decimal(billed),
        effective_cost=Decimal(billed),
        consumed_quantity=Decimal(quantity),
        pricing_unit="Hrs",
        estimated=estimated,
    )


def stored(day: date, billed: str, *, resource: str = "", usage_type: str = BOX) -> CostDailyRow:
    return CostDailyRow.from_line(
        line(day, billed, resource=resource, usage_type=usage_type),
        is_provisional=True,
        collected_at=EARLIER,
    )


def by_resource(rows: list[CostDailyRow]) -> dict[str, Decimal]:
    return {row.resource_id: row.billed_cost for row in rows}


def test_resource_lines_split_the_aggregate_and_the_remainder_keeps_it_exact() -> None:
    rows = merge_rows(
        PLAN,
        aggregate_lines=[line(DAY, "10.000001", "30")],
        resource_lines=[
            line(DAY, "4.1", "12", resource="i-a"),
            line(DAY, "3.3", "12", resource="i-b"),
        ],
        resource_scopes={(DAY, ACCOUNT, EC2)},
        existing=[],
        collected_at=NOW,
    )
    assert by_resource(rows) == {
        "i-a": Decimal("4.1"),
        "i-b": Decimal("3.3"),
        "": Decimal("2.600001"),
    }
    assert sum(r.billed_cost for r in rows) == Decimal("10.000001")
    assert sum(r.consumed_quantity for r in rows) == Decimal("30")
    assert {r.region for r in rows} == {"us-east-1"}
    assert all(r.is_provisional and r.collected_at == NOW for r in rows)


def test_no_remainder_row_when_resources_cover_the_whole_aggregate() -> None:
    rows = merge_rows(
        PLAN,
        aggregate_lines=[line(DAY, "5", "2")],
        resource_lines=[line(DAY, "5", "2", resource="i-a")],
        resource_scopes={(DAY, ACCOUNT, EC2)},
        existing=[],
        collected_at=NOW,
    )
    assert by_resource(rows) == {"i-a": Decimal("5")}


def test_without_resource_data_the_stored_resource_split_is_carried_forward() -> None:
    rows = merge_rows(
        PLAN,
        aggregate_lines=[line(OLD, "10.50")],  # AWS revised the day from 10 to 10.50
        resource_lines=[],
        resource_scopes=set(),
        existing=[stored(OLD, "6", resource="i-a"), stored(OLD, "4")],
        collected_at=NOW,
    )
    assert by_resource(rows) == {"i-a": Decimal("6"), "": Decimal("4.50")}
    assert all(r.collected_at == NOW and not r.is_provisional for r in rows)


def test_keys_aws_no_longer_reports_are_zeroed_so_the_day_is_replaced() -> None:
    rows = merge_rows(
        PLAN,
        aggregate_lines=[line(DAY, "3")],
        resource_lines=[line(DAY, "3", resource="i-a")],
        resource_scopes={(DAY, ACCOUNT, EC2)},
        existing=[
            stored(DAY, "2", resource="i-a"),
            stored(DAY, "1", resource="i-gone"),
            stored(DAY, "7", usage_type="USE1-EBS:VolumeUsage.gp3"),
        ],
        collected_at=NOW,
    )
    zeroed = [r for r in rows if r.is_zero]
    assert {(r.resource_id, r.usage_type) for r in zeroed} == {
        ("i-gone", BOX),
        ("", "USE1-EBS:VolumeUsage.gp3"),
    }
    assert all(r.collected_at == NOW for r in zeroed)
    assert sum(r.billed_cost for r in rows) == Decimal("3")


def test_final_days_are_never_rewritten() -> None:
    plan = plan_collection(TODAY, CostExplorerSettings(backfill_days=30), final_days={OLD})
    rows = merge_rows(
        plan,
        aggregate_lines=[line(OLD, "1"), line(DAY, "2")],
        resource_lines=[],
        resource_scopes=set(),
        existing=[stored(OLD, "9", usage_type="other")],
        collected_at=NOW,
    )
    assert [r.charge_period_start for r in rows] == [DAY]


def test_estimated_days_stay_provisional_however_old() -> None:
    old = TODAY - timedelta(days=25)
    rows = merge_rows(
        PLAN,
        aggregate_lines=[line(old, "1", estimated=True), line(OLD, "1")],
        resource_lines=[],
        resource_scopes=set(),
        existing=[],
        collected_at=NOW,
    )
    assert {r.charge_period_start: r.is_provisional for r in rows} == {old: True, OLD: False}
