"""The demo organisation's bill: Cost Explorer-like daily rows (`cost_daily` columns) for every
resource alive that day at list prices, the story's price rise, a savings plan, and cost AWS
reports without a resource or for a resource the inventory does not know.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

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
# Savings plan on the first account: amortized (effective) compute cost is lower than billed.
SAVINGS_PLAN_ACCOUNT = ACCOUNTS[0][0]
SAVINGS_PLAN_RATE = Decimal("0.72")
Q6 = Decimal("0.000001")


def _money(value: Decimal) -> Decimal:
    return value.quantize(Q6)


def cost_rows(org: Organisation, rng: random.Random) -> list[dict[str, Any]]:
    """Cost Explorer-like daily rows (`cost_daily` columns)."""
    rows = []
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
    ) -> None:
        billed = _money(qty * price)
        effective = billed
        account = account or (r.account if r else "")
        if r is not None and r.kind == "instance" and account == SAVINGS_PLAN_ACCOUNT:
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
    return rows
