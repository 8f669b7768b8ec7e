"""Story: provisional cost (docs/e2e.md).

Four simulated days, compared as two 2-day windows (A = days 0-1, B = days 2-3). The first Cost
Explorer collection sees the last two days as AWS reports them while the month is open:
`Estimated`, at 80 % of their final amounts. Attribution is rebuilt and the API shows those
numbers. Then AWS finalises the days; the next collection re-requests every day that is not
final, replaces the estimates, and after the rebuild the dashboards (cost per customer, daily
trend, coverage) and the delta follow the final numbers exactly, with no trace of the estimates
(`cost_daily` read with `FINAL` holds one row per key).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

import pytest
from e2e import fleet as org
from e2e.world import World, report

DAYS = 4
A = range(0, 2)
B = range(2, 4)
ESTIMATE = Decimal("0.8")


def amounts(world: World, revisions: dict[int, Decimal]) -> list[tuple[org.CostLine, Decimal]]:
    """Every cost line of the run with the amount Cost Explorer reports for it."""
    return [
        (line, (line.cost * revisions.get(line.day, Decimal(1))).quantize(org.MICRO))
        for line in org.all_lines(world.fleet, range(world.days))
    ]


def per_customer(world: World, revisions: dict[int, Decimal], days: range) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line, cost in amounts(world, revisions):
        if line.day in days:
            totals[org.owner(world.fleet, line.key, line.day).customer] += cost
    return dict(totals)


def per_day(world: World, revisions: dict[int, Decimal]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line, cost in amounts(world, revisions):
        totals[world.date(line.day).isoformat()] += cost
    return dict(totals)


def observe(world: World) -> dict[str, object]:
    """What a user sees through the API, and what `cost_daily` holds."""
    whole = {"start": world.date(0).isoformat(), "end": world.today.isoformat()}
    by_customer = world.api("/api/costs/by-customer", **whole)["data"]
    trend = world.api("/api/costs/trend", customer="", **whole)["data"]
    (coverage,) = world.api("/api/coverage", **whole)["data"]
    delta = world.api(
        "/api/delta/nodes",
        hierarchy="logical",
        node_id="",
        base_start=world.date(A.start).isoformat(),
        base_end=world.date(B.start).isoformat(),
        compare_start=world.date(B.start).isoformat(),
        compare_end=world.today.isoformat(),
    )["data"]
    stored = world.query(
        "SELECT charge_period_start, count(), countDistinct(account_id, service_name, usage_type, "
        "resource_id), sum(effective_cost), max(is_provisional) FROM cost_daily FINAL "
        "GROUP BY charge_period_start ORDER BY charge_period_start"
    )
    return {
        "by_customer": {r["customer"]: Decimal(r["effective_cost"]) for r in by_customer},
        "trend": {r["charge_date"][:10]: Decimal(r["effective_cost"]) for r in trend},
        "coverage": coverage,
        "delta": {r["node_id"]: r for r in delta},
        "stored": {
            str(day): (rows, keys, total, provisional)
            for day, rows, keys, total, provisional in stored
        },
    }


@pytest.fixture(scope="module")
def collections(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, dict, dict]]:
    began = time.perf_counter()
    world = World(tmp_path_factory.mktemp("provisional"), days=DAYS)
    try:
        world.simulate()
        estimate = {day: ESTIMATE for day in B}
        world.cost_explorer.revisions = dict(estimate)
        world.cost_explorer.estimated = set(B)
        world.collect_cost()
        world.rebuild()
        first = observe(world)
        world.cost_explorer.revisions = {}
        world.cost_explorer.estimated = set()
        requests_before = len(world.cost_explorer.requests)
        second_run = world.collect_cost()
        world.rebuild(first=B.start)  # the days whose cost was revised
        final = observe(world)
        final["requests"] = world.cost_explorer.requests[requests_before:]
        final["run"] = second_run
        first["revisions"] = estimate
        world.timings["world total"] = time.perf_counter() - began
        report(world, "provisional world")
        yield world, first, final
    finally:
        world.close()


def test_the_estimate_is_what_the_api_shows_first(collections: tuple[World, dict, dict]) -> None:
    world, first, _ = collections
    revisions = first["revisions"]
    assert first["by_customer"] == per_customer(world, revisions, range(DAYS))
    assert first["trend"] == per_day(world, revisions)
    for day in B:
        rows, keys, total, provisional = first["stored"][world.date(day).isoformat()]
        assert provisional == 1, day  # AWS said Estimated
        assert rows == keys


def test_the_final_numbers_replace_the_estimates(collections: tuple[World, dict, dict]) -> None:
    world, first, final = collections
    # The second run asked again for the days that were not final, the estimated ones included.
    periods = {(r["TimePeriod"]["Start"], r["TimePeriod"]["End"]) for r in final["requests"]}
    assert periods and all(start <= world.date(B.start).isoformat() for start, _ in periods)
    assert all(end >= world.today.isoformat() for _, end in periods)
    assert final["run"]["rows_written"] > 0

    truth = per_customer(world, {}, range(DAYS))
    assert final["by_customer"] == truth
    assert final["by_customer"] != first["by_customer"]
    assert final["trend"] == per_day(world, {})
    # One row per key and day: the estimates are replaced, not added to.
    for day in range(DAYS):
        rows, keys, total, _ = final["stored"][world.date(day).isoformat()]
        assert rows == keys
        assert total == sum(
            (line.cost for line in org.cost_lines(world.fleet, day)), Decimal(0)
        ), day

    coverage = org.coverage(world.fleet, range(DAYS))
    row = final["coverage"]
    assert Decimal(row["total_cost"]) == coverage.total
    assert Decimal(row["attributed_cost"]) == coverage.attributed
    assert Decimal(row["coverage_pct"]) == coverage.pct.quantize(org.MICRO, rounding=ROUND_DOWN)


def test_the_delta_follows_the_final_numbers(collections: tuple[World, dict, dict]) -> None:
    world, first, final = collections
    in_a = per_customer(world, {}, A)
    in_b = per_customer(world, {}, B)
    for customer in in_a.keys() | in_b.keys():
        row = final["delta"][f"customer:{customer}"]
        a, b = in_a.get(customer, Decimal(0)), in_b.get(customer, Decimal(0))
        assert (Decimal(row["total_a"]), Decimal(row["total_b"])) == (a, b), customer
        assert Decimal(row["delta"]) == b - a
        parts = sum(
            Decimal(row[name])
            for name in (
                "created",
                "removed",
                "usage_effect",
                "rate_effect",
                "transferred_in",
                "transferred_out",
            )
        )
        assert parts == b - a, customer
    # With the estimates, B looked cheaper than A (the same fleet at 80 %): a fake saving that
    # showed as a negative rate effect; with the final numbers nothing changed price.
    acme_first = first["delta"]["customer:acme"]
    assert Decimal(acme_first["rate_effect"]) < 0
    assert Decimal(final["delta"]["customer:acme"]["rate_effect"]) == 0
    assert world.date(DAYS) == world.today and timedelta(days=DAYS) == world.today - world.start
