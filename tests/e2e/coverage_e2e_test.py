"""Story: coverage (docs/e2e.md).

Untagged resources with a tagged parent inherit its owner (root and data volumes from their
instance, the worker behind Acme's load balancer, the NAT gateway's Elastic IP through its ENI);
the rest (a stray instance and its volume, a detached volume, AWS Support) land on
`unattributed`. Coverage, cost per customer and every resource's owner through the API equal
what `fleet.py` implies.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

import pytest
from e2e import fleet as org
from e2e.world import World

INHERITING = {
    "acme-api-1/root": "acme",
    "acme-api-2/data": "acme",
    "lb-worker": "acme",
    "lb-worker/root": "acme",
    "acme-nat-eip": "acme",
    "globex-eu-2/root": "globex",
    "initech-eu/root": "initech",
}
UNATTRIBUTED = {"stray", "stray/root", "orphan-volume"}


def window(world: World) -> dict[str, str]:
    return {"start": world.date(0).isoformat(), "end": world.today.isoformat()}


def test_the_fleet_has_what_the_story_needs(week: World) -> None:
    last = week.days - 1
    for key, customer in INHERITING.items():
        resource = week.fleet[key]
        assert org._field(resource.tags_on(last), "customer") == "", key  # no own owner tag
        assert org.owner(week.fleet, key, last).customer == customer, key
    for key in UNATTRIBUTED:
        assert not org.owner(week.fleet, key, last).attributed, key


def test_coverage_equals_the_fleets_truth(week: World) -> None:
    (row,) = week.api("/api/coverage", **window(week))["data"]
    truth = org.coverage(week.fleet, range(week.days))
    assert Decimal(row["total_cost"]) == truth.total
    assert Decimal(row["attributed_cost"]) == truth.attributed
    assert Decimal(row["unattributed_cost"]) == truth.unattributed
    # ClickHouse's Decimal division keeps 6 places and truncates.
    assert Decimal(row["coverage_pct"]) == truth.pct.quantize(org.MICRO, rounding=ROUND_DOWN)
    assert 0 < truth.pct < 100
    assert int(row["customers"]) == 3


def test_cost_per_customer_equals_the_fleets_truth(week: World) -> None:
    answer = week.api("/api/costs/by-customer", **window(week))
    actual = {row["customer"]: Decimal(row["effective_cost"]) for row in answer["data"]}
    assert actual == org.cost_by_customer(week.fleet, range(week.days))


@pytest.mark.parametrize("day", [0, org.RETAG_DAY, org.DAYS - 1])
def test_every_resource_has_the_owner_the_fleet_implies(week: World, day: int) -> None:
    answer = week.api(
        "/api/resources",
        as_of=week.date(day).isoformat(),
        limit=1000,
        sort="resource_id",
        direction="asc",
    )
    actual = {row["resource_id"]: row for row in answer["data"]}
    for key, resource in week.fleet.items():
        if not resource.aws_id or not resource.exists_on(day):
            continue
        row = actual[resource.aws_id]
        truth = org.owner(week.fleet, key, day)
        assert (row["marqo_customer"], row["marqo_cluster"], row["marqo_role"]) == (
            truth.customer,
            truth.cluster,
            truth.role,
        ), key
        if key in INHERITING:
            assert row["owner_rule"].startswith("inherited:"), (key, row["owner_rule"])
        if key in UNATTRIBUTED:
            assert row["owner_rule"] == "unattributed", key
        cost = sum(
            (line.cost for line in org.cost_lines(week.fleet, day) if line.key == key), Decimal(0)
        )
        assert Decimal(row["cost"]) == cost, key
