from __future__ import annotations

from datetime import date
from decimal import Decimal

from attribution.cost_attributor import attribute_day
from attribution.snapshot_builder import SnapshotRow
from clickhouse.client import PoloClickHouse

DAY = date(2026, 3, 10)
ACCT = "111111111111"
LB_ARN = f"arn:aws:elasticloadbalancing:eu-west-1:{ACCT}:loadbalancer/app/web/abc"


def snap(rid: str, customer: str, arn: str = "", idle: int = 0) -> SnapshotRow:
    return SnapshotRow(
        snapshot_date=DAY,
        account_id=ACCT,
        region="eu-west-1",
        resource_type="ec2:instance",
        resource_id=rid,
        arn=arn,
        state="running",
        tags={},
        marqo_customer=customer,
        marqo_cluster="k1",
        marqo_role="api",
        marqo_environment="prod",
        owner_rule="tag:Customer",
        is_idle=idle,
        idle_reason="x" if idle else "",
        physical_parent_id="",
        version=1,
    )


def cost(resource_id: str, amount: str, usage: str = "BoxUsage") -> dict:
    return {
        "charge_period_start": DAY,
        "account_id": ACCT,
        "region": "eu-west-1",
        "service_name": "EC2",
        "usage_type": usage,
        "resource_id": resource_id,
        "billed_cost": Decimal(amount),
        "effective_cost": Decimal(amount),
        "consumed_quantity": Decimal(24),
        "pricing_unit": "Hrs",
        "is_provisional": 0,
    }


def test_each_cost_row_gets_its_owner_and_nothing_is_dropped(db: PoloClickHouse) -> None:
    db.insert_rows(
        "resource_snapshots",
        [snap("i-1", "acme", idle=1), snap(LB_ARN.rsplit(":", 1)[1], "globex", arn=LB_ARN)],
    )
    db.insert_rows(
        "cost_daily",
        [cost("i-1", "10.5"), cost(LB_ARN, "3"), cost("", "2", "Tax"), cost("i-unknown", "1")],
    )
    assert attribute_day(db, DAY) == 4
    rows = db.query(
        "t",
        "SELECT usage_type, resource_id, marqo_customer, owner_rule, is_idle, effective_cost "
        "FROM cost_attributed_daily ORDER BY effective_cost DESC",
    ).result_rows
    assert rows == [
        ("BoxUsage", "i-1", "acme", "tag:Customer", 1, Decimal("10.5")),
        ("BoxUsage", "loadbalancer/app/web/abc", "globex", "tag:Customer", 0, Decimal(3)),
        ("Tax", "", "unattributed", "unattributed", 0, Decimal(2)),
        ("BoxUsage", "i-unknown", "unattributed", "unattributed", 0, Decimal(1)),
    ]


def test_re_attributing_a_day_replaces_it_in_the_table_and_the_rollup(db: PoloClickHouse) -> None:
    db.insert_rows("resource_snapshots", [snap("i-1", "acme")])
    db.insert_rows("cost_daily", [cost("i-1", "10")])
    attribute_day(db, DAY)
    attribute_day(db, DAY)
    total = "SELECT sum(effective_cost) FROM {t:Identifier} WHERE charge_date = {d:Date}"
    for table in ("cost_attributed_daily", "cost_by_owner_daily"):
        assert db.query("t", total, {"t": table, "d": DAY}).result_rows[0][0] == Decimal(10)
