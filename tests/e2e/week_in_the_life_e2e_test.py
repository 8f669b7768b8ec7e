"""Story: a week in the life (docs/e2e.md).

Fourteen simulated days of the organisation in `fleet.py`. On day 7 (the first day of window B)
globex-batch is re-tagged from Globex to Initech by bob and the price of EU-BoxUsage:m5.large
rises from 0.107 to 0.12; on day 9 alice launches acme-api-2 and attaches a data volume to it.
The week-over-week delta must show the launch as created (its lifecycle event naming alice),
the re-tag as a transfer, the price rise as rate effect, and every number must equal what
`fleet.py` implies (computed there in Decimal, not by the project's SQL). The same numbers are
then read off the UI's delta page in Chromium, where a user reads them.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from e2e import fleet as org
from e2e.harness import UI
from e2e.world import World

A = range(0, 7)
B = range(7, 14)
FIELDS = (
    "total_a",
    "total_b",
    "delta",
    "created",
    "removed",
    "usage_effect",
    "rate_effect",
    "transferred_in",
    "transferred_out",
)


def windows(world: World) -> dict[str, str]:
    return {
        "base_start": world.date(A.start).isoformat(),
        "base_end": world.date(B.start).isoformat(),
        "compare_start": world.date(B.start).isoformat(),
        "compare_end": world.today.isoformat(),
    }


def expected_row(d: org.Decomposition) -> dict[str, Decimal]:
    return {name: getattr(d, name) for name in FIELDS}


def actual_row(row: dict[str, Any]) -> dict[str, Decimal]:
    return {name: Decimal(row[name]) for name in FIELDS}


def nodes(world: World, node_id: str, hierarchy: str = "logical") -> dict[str, dict[str, Any]]:
    answer = world.api("/api/delta/nodes", hierarchy=hierarchy, node_id=node_id, **windows(world))
    return {row["node_id"]: row for row in answer["data"]}


def cost_of(world: World, key: str, days: range) -> Decimal:
    """What the fleet's resource `key` and the resources attached to it cost over `days`."""
    return sum(
        (
            line.cost
            for day in days
            for line in org.cost_lines(world.fleet, day)
            if line.key == key or line.key.startswith(f"{key}/")
        ),
        Decimal(0),
    )


def test_every_day_costs_what_the_fleet_implies(week: World) -> None:
    answer = week.api(
        "/api/costs/trend", start=week.date(0).isoformat(), end=week.today.isoformat(), customer=""
    )
    actual = {row["charge_date"][:10]: Decimal(row["effective_cost"]) for row in answer["data"]}
    expected = {
        week.date(day).isoformat(): sum(
            (line.cost for line in org.cost_lines(week.fleet, day)), Decimal(0)
        )
        for day in range(week.days)
    }
    assert actual == expected


def test_root_delta_shows_launch_transfer_and_price_rise(week: World) -> None:
    expected = org.delta_children(week.fleet, "", A, B)
    actual = nodes(week, "")
    assert set(actual) == set(expected)
    for node_id, decomposition in expected.items():
        assert actual_row(actual[node_id]) == expected_row(decomposition), node_id
        assert int(actual[node_id]["resource_count"]) == len(decomposition.resources), node_id

    # What a user reads off the root: Acme grew by what alice launched, Globex's batch instance
    # went to Initech, Globex's EU instances got dearer.
    launched = cost_of(week, "acme-api-2", B)
    assert launched > 0
    assert Decimal(actual["customer:acme"]["created"]) == launched
    batch_in_a, batch_in_b = cost_of(week, "globex-batch", A), cost_of(week, "globex-batch", B)
    assert Decimal(actual["customer:globex"]["transferred_out"]) == -batch_in_a
    assert Decimal(actual["customer:initech"]["transferred_in"]) == batch_in_b
    # 2 instances x 168 h x (0.12 - 0.107)
    assert Decimal(actual["customer:globex"]["rate_effect"]) == Decimal("4.368")
    assert Decimal(actual["customer:acme"]["rate_effect"]) == 0


def node_id(world: World, child: str) -> str:
    """The API's id of a child in `fleet.delta_children`: a resource child is its AWS id (cost
    without a resource id: `unresourced:<account>/<region>/<service>`)."""
    if not child.startswith("resource:"):
        return child
    resource = world.fleet[child.removeprefix("resource:")]
    if resource.aws_id:
        return resource.aws_id
    (usage,) = resource.usage
    return f"unresourced:{resource.account}/{resource.region}/{usage.service}"


@pytest.mark.parametrize(
    "node",
    [
        "customer:acme",
        "customer:globex",
        "customer:initech",
        "customer:unattributed",
        "cluster:acme/search",  # alice's launch: created
        "cluster:globex/batch",  # the re-tag: transferred out ...
        "cluster:initech/batch",  # ... and in
        "cluster:globex/eu",  # the price rise: rate effect
        "role:acme//lb",  # the load balancer and the untagged worker behind it
    ],
)
def test_node_delta_equals_the_fleet(week: World, node: str) -> None:
    expected = {
        node_id(week, child): d for child, d in org.delta_children(week.fleet, node, A, B).items()
    }
    actual = nodes(week, node)
    assert set(actual) == set(expected)
    for child, decomposition in expected.items():
        assert actual_row(actual[child]) == expected_row(decomposition), child
        assert int(actual[child]["resource_count"]) == len(decomposition.resources), child


def test_resources_are_classified_as_the_fleet_implies(week: World) -> None:
    for customer in ("acme", "globex", "initech"):
        node = f"customer:{customer}"
        answer = week.api(
            "/api/delta/resources", hierarchy="logical", node_id=node, **windows(week)
        )
        actual = {row["resource_id"]: row for row in answer["data"]}
        expected = org.resource_components(week.fleet, node, A, B)
        assert set(actual) == {week.fleet[k].aws_id for k in expected}, node
        for key, (component, d) in expected.items():
            row = actual[week.fleet[key].aws_id]
            assert row["component"] == component, (node, key)
            assert actual_row(row) == expected_row(d), (node, key)

    acme = org.resource_components(week.fleet, "customer:acme", A, B)
    assert {k for k, (c, _) in acme.items() if c == "created"} == {
        "acme-api-2",
        "acme-api-2/root",
        "acme-api-2/data",
    }
    globex = org.resource_components(week.fleet, "customer:globex", A, B)
    assert globex["globex-batch"][0] == "transferred_out"
    assert globex["globex-eu-1"][1].rate_effect == Decimal("2.184")


def test_lifecycle_events_name_who_did_it(week: World) -> None:
    launched = week.fleet["acme-api-2"].aws_id
    answer = week.api(
        "/api/delta/events",
        resource_id=launched,
        start=week.date(0).isoformat(),
        end=week.today.isoformat(),
    )
    created = [e for e in answer["data"] if e["kind"] == "cloudtrail" and e["action"] == "create"]
    assert [(e["event_name"], e["actor_arn"]) for e in created] == [("RunInstances", org.ALICE)]
    assert created[0]["event_time"].startswith(week.date(org.LAUNCH_DAY).isoformat())

    volume = week.fleet["acme-api-2/data"].aws_id
    answer = week.api(
        "/api/delta/events",
        resource_id=volume,
        start=week.date(0).isoformat(),
        end=week.today.isoformat(),
    )
    assert [(e["action"], e["actor_arn"]) for e in answer["data"] if e["kind"] == "cloudtrail"] == [
        ("create", org.ALICE),
        ("attach", org.ALICE),
    ]

    batch = week.fleet["globex-batch"].aws_id
    answer = week.api(
        "/api/delta/events",
        resource_id=batch,
        start=week.date(0).isoformat(),
        end=week.today.isoformat(),
    )
    kinds = {(e["kind"], e["action"]) for e in answer["data"]}
    assert ("cloudtrail", "tag") in kinds and ("owner_change", "owner_change") in kinds
    tag = next(e for e in answer["data"] if e["action"] == "tag")
    assert tag["actor_arn"] == org.BOB
    change = next(e for e in answer["data"] if e["kind"] == "owner_change")
    assert change["event_time"].startswith(week.date(org.RETAG_DAY).isoformat())
    assert "globex" in change["detail"] and "initech" in change["detail"]


def test_physical_root_delta_adds_up_per_account(week: World) -> None:
    actual = nodes(week, "", hierarchy="physical")
    for account in org.MEMBERS:
        in_a = sum(
            (
                line.cost
                for day in A
                for line in org.cost_lines(week.fleet, day)
                if line.account == account
            ),
            Decimal(0),
        )
        in_b = sum(
            (
                line.cost
                for day in B
                for line in org.cost_lines(week.fleet, day)
                if line.account == account
            ),
            Decimal(0),
        )
        row = actual[f"account:{account}"]
        assert (Decimal(row["total_a"]), Decimal(row["total_b"])) == (in_a, in_b), account


# -- in Chromium -----------------------------------------------------------------------------

# The labels of the delta page's "total A -> total B" summary, and the fields they show.
SUMMARY = {
    "Total A": "total_a",
    "Total B": "total_b",
    "Δ": "delta",
    "Created": "created",
    "Removed": "removed",
    "Usage": "usage_effect",
    "Rate": "rate_effect",
    "Transferred in": "transferred_in",
    "Transferred out": "transferred_out",
}
AFFECTED = ("customer:acme", "customer:globex", "customer:initech")


def delta_page(world: World, path: list[str], resource: str | None = None) -> str:
    """The UI's link to the delta page of the node at the end of `path` (search params as the
    UI's router writes them: JSON values, plain strings as they are)."""
    search = {**windows(world), "path": json.dumps(path)}
    if resource:
        search["resource"] = resource
    return "/delta?" + urllib.parse.urlencode(search)


@pytest.fixture(scope="module")
def in_chromium(week: World) -> Iterator[dict[str, dict[str, Any]]]:
    """The affected customers' delta pages, and acme-api-2's lifecycle events opened from Acme's
    page, as Chromium renders them."""
    launched = week.fleet["acme-api-2"].aws_id
    assert launched
    paths = {node: delta_page(week, [node]) for node in AFFECTED}
    paths["launch"] = delta_page(week, ["customer:acme"], resource=launched)
    week.api("/api/health")  # the Worker is up
    assert week.worker
    with week.timed("UI: vite preview + Chromium"):
        ui = UI(week.worker.url, week.root / "vite.log")
        try:
            pages = ui.read(list(paths.values()))
        finally:
            ui.stop()
    yield dict(zip(paths, pages, strict=True))


def test_the_delta_page_shows_it_in_chromium(week: World, in_chromium: dict) -> None:
    truth = org.delta_children(week.fleet, "", A, B)
    for node in AFFECTED:
        shown = {
            SUMMARY[label]: Decimal(value) for label, value in in_chromium[node]["summary"].items()
        }
        assert shown == expected_row(truth[node]), node
    # What the user reads: Acme's Created is alice's launch, Globex's batch instance is
    # Transferred out to Initech, Globex's price rise is Rate.
    acme, globex, initech = (in_chromium[n]["summary"] for n in AFFECTED)
    assert Decimal(acme["Created"]) == cost_of(week, "acme-api-2", B) > 0
    assert Decimal(globex["Transferred out"]) == -cost_of(week, "globex-batch", A) < 0
    assert Decimal(initech["Transferred in"]) == cost_of(week, "globex-batch", B) > 0
    # 2 instances x 168 h x (0.12 - 0.107)
    assert Decimal(globex["Rate"]) == Decimal("4.368")


def test_the_launch_names_alice_in_chromium(week: World, in_chromium: dict) -> None:
    events = in_chromium["launch"]["events"]
    run_instances = [line for line in events if "RunInstances" in line]
    assert len(run_instances) == 1, events
    assert f"RunInstances by {org.ALICE}" in run_instances[0]
    assert week.date(org.LAUNCH_DAY).isoformat() in run_instances[0]
