"""The demo organisation's bill: Cost Explorer-like daily rows (`cost_daily` columns) for every
resource alive that day at list prices, the story's price rise, a Savings Plan that expires in
window B, cost AWS reports without a resource or for a resource the inventory does not know, a
credit and tax.

Credit and tax lines are written the way cost_daily already holds them (docs/cost-sources.md):
a line without a usage type is named by its charge category (`Credit`, `Tax`), has no resource
and no quantity, and a credit is negative.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from attribution.charge_category import TAX_SERVICE
from attribution.demo_organisation import ACCOUNTS, PRICE_CHANGE_TYPE, Organisation, Resource

HOURLY = {
    "m5.large": Decimal("0.096"),
    "m5.xlarge": Decimal("0.192"),
    "c6i.large": Decimal("0.085"),
    "r6i.large": Decimal("0.126"),
}
PRICE_CHANGE_FACTOR = Decimal("1.2")
GP3_GB_MONTH = Decimal("0.08")
SNAPSHOT_GB_MONTH = Decimal("0.05")
NAT_HOURLY = Decimal("0.045")
NAT_PER_GB = Decimal("0.045")
EIP_HOURLY = Decimal("0.005")
LB_HOURLY = Decimal("0.0225")
# An EC2 Instance Savings Plan for the m5 family on the first account: its instances' amortized
# (effective) cost is below billed until the plan expires, on a day inside window B. r6i is not
# covered, so the story's price rise stays a pure rate change of billed and effective cost.
SAVINGS_PLAN_ID = "arn:aws:savingsplans::123456789012:savingsplan/3f9c2a61-demo-m5-eu-west-1"
SAVINGS_PLAN_ACCOUNT = ACCOUNTS[0][0]
SAVINGS_PLAN_FAMILY = "m5"
SAVINGS_PLAN_RATE = Decimal("0.72")
SAVINGS_PLAN_DAYS_INTO_B = 3
"""The plan's expiry day is this many days after the first day of window B."""
# A one-off AWS service credit (an SLA credit) on the second account, in window B.
CREDIT_ACCOUNT, CREDIT_REGIONS = ACCOUNTS[1]
CREDIT_SERVICE = "Amazon Elastic Compute Cloud - Compute"
CREDIT_AMOUNT = Decimal("-25.000000")
CREDIT_DAYS_INTO_B = 1
# Sales tax on every account's bill of the day, under Cost Explorer's "Tax" service (the name the
# delta by charge category reads as tax).
TAX_RATE = Decimal("0.08")
Q6 = Decimal("0.000001")


def savings_plan_expiry(org: Organisation) -> int:
    """Index of the first day the Savings Plan no longer covers its instances."""
    return org.story_day + SAVINGS_PLAN_DAYS_INTO_B


def credit_day(org: Organisation) -> int:
    return org.story_day + CREDIT_DAYS_INTO_B


def covered_by_savings_plan(r: Resource) -> bool:
    return (
        r.kind == "instance"
        and r.account == SAVINGS_PLAN_ACCOUNT
        and r.instance_type.split(".")[0] == SAVINGS_PLAN_FAMILY
    )


def _money(value: Decimal) -> Decimal:
    return value.quantize(Q6)


def cost_rows(org: Organisation, rng: random.Random) -> list[dict[str, Any]]:
    """Cost Explorer-like daily rows (`cost_daily` columns)."""
    rows: list[dict[str, Any]] = []
    collected_at = datetime.combine(org.config.end_date, datetime.min.time(), UTC)

    def row(
        day: int,
        r: Resource | None,
        service: str,
        usage: str,
        qty: Decimal,
        price: Decimal,
        unit: str,
        account: str = "",
        region: str = "",
        resource_id: str | None = None,
        cost: Decimal | None = None,
    ) -> None:
        billed = _money(qty * price if cost is None else cost)
        effective = billed
        account = account or (r.account if r else "")
        if r is not None and covered_by_savings_plan(r) and day < savings_plan_expiry(org):
            effective = _money(billed * SAVINGS_PLAN_RATE)
        rows.append(
            {
                "charge_period_start": org.day(day),
                "account_id": account,
                "region": region or (r.region if r else ""),
                "service_name": service,
                "usage_type": usage,
                "resource_id": resource_id if resource_id is not None else (r.id if r else ""),
                "billed_cost": billed,
                "effective_cost": effective,
                "consumed_quantity": _money(qty),
                "pricing_unit": unit,
                "is_provisional": int(day >= org.config.days - 2),
                "collected_at": collected_at,
            }
        )

    ec2 = "Amazon Elastic Compute Cloud - Compute"
    for day in range(org.config.days):
        first = len(rows)
        for r in org.resources:
            if not r.alive(day):
                continue
            if r.kind == "instance" and day not in r.stopped:
                price = HOURLY[r.instance_type]
                if r.instance_type == PRICE_CHANGE_TYPE and day >= org.story_day:
                    price *= PRICE_CHANGE_FACTOR
                row(day, r, ec2, f"BoxUsage:{r.instance_type}", Decimal(24), price, "Hrs")
            elif r.kind == "volume":
                row(
                    day,
                    r,
                    "EC2 - Other",
                    "EBS:VolumeUsage.gp3",
                    Decimal(r.size_gib) / 30,
                    GP3_GB_MONTH,
                    "GB-Mo",
                )
            elif r.kind == "snapshot":
                row(
                    day,
                    r,
                    "EC2 - Other",
                    "EBS:SnapshotUsage",
                    Decimal(r.size_gib) / 30,
                    SNAPSHOT_GB_MONTH,
                    "GB-Mo",
                )
            elif r.kind == "nat":
                row(day, r, "EC2 - Other", "NatGateway-Hours", Decimal(24), NAT_HOURLY, "Hrs")
                busy = r.vpc in org.busy_vpcs
                gb = Decimal(rng.randrange(5_000, 60_000)) / 1000 if busy else Decimal(0)
                row(day, r, "EC2 - Other", "NatGateway-Bytes", gb, NAT_PER_GB, "GB")
            elif r.kind == "eip":
                usage = "PublicIPv4:InUseAddress" if r.parent else "PublicIPv4:IdleAddress"
                row(day, r, "Amazon Virtual Private Cloud", usage, Decimal(24), EIP_HOURLY, "Hrs")
            elif r.kind == "lb":
                row(
                    day,
                    r,
                    "Elastic Load Balancing",
                    "LoadBalancerUsage",
                    Decimal(24),
                    LB_HOURLY,
                    "Hrs",
                )
        for account, regions in ACCOUNTS:
            # Cost AWS gives without a resource id: always unattributed.
            support = Decimal(rng.randrange(8_000, 12_000)) / 1000
            row(
                day,
                None,
                "AWS Support (Business)",
                "Support",
                Decimal(1),
                support,
                "",
                account=account,
                region="global",
            )
            # A bucket the inventory does not know: unattributed, by id.
            row(
                day,
                None,
                "Amazon Simple Storage Service",
                "TimedStorage-ByteHrs",
                Decimal(rng.randrange(900, 1100)),
                Decimal("0.023"),
                "GB-Mo",
                account=account,
                region=regions[0],
                resource_id=f"polo-logs-{account}",
            )
        _charges(org, day, rows[first:], row)
    return rows


def _charges(
    org: Organisation, day: int, usage: Sequence[dict[str, Any]], row: Callable[..., None]
) -> None:
    """The day's non-usage lines: each account's tax on its billed `usage` of the day, and the
    credit on its day. No resource, no quantity (docs/cost-sources.md)."""
    for account, _regions in ACCOUNTS:
        billed = sum((r["billed_cost"] for r in usage if r["account_id"] == account), Decimal(0))
        row(
            day,
            None,
            TAX_SERVICE,
            "Tax",
            Decimal(0),
            Decimal(0),
            "",
            account,
            "global",
            cost=billed * TAX_RATE,
        )
    if day == credit_day(org):
        row(
            day,
            None,
            CREDIT_SERVICE,
            "Credit",
            Decimal(0),
            Decimal(0),
            "",
            CREDIT_ACCOUNT,
            CREDIT_REGIONS[0],
            cost=CREDIT_AMOUNT,
        )
