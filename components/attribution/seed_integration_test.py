"""The seeded story, read back through the named queries (docs/attribution.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from attribution.allocation_rules import parse_rules
from attribution.conftest import TEST_SEED
from attribution.pipeline import rebuild
from attribution.queries import run_query
from attribution.seed import SeedError, SeedResult, seed
from clickhouse.client import PoloClickHouse

Seeded = tuple[PoloClickHouse, SeedResult]


def delta(db: PoloClickHouse, result: SeedResult, name: str, node: str = "", hierarchy="logical"):
    s = result.story
    return run_query(
        db,
        name,
        {
            "base_start": s.base_start,
            "base_end": s.base_end,
            "compare_start": s.compare_start,
            "compare_end": s.compare_end,
            "hierarchy": hierarchy,
            "node_id": node,
        },
    )


def test_the_price_change_is_a_rate_effect(seeded: Seeded) -> None:
    db, result = seeded
    rows = {r["resource_id"]: r for r in delta(db, result, "delta_resources")}
    assert result.story.price_changed_resources
    for resource_id in result.story.price_changed_resources:
        row = rows[resource_id]
        assert row["component"] == "continuing"
        assert row["rate_effect"] > 0
        assert row["usage_effect"] == 0
    root = delta(db, result, "delta_nodes")
    assert sum(r["rate_effect"] for r in root) > 0


def test_the_new_cluster_is_created(seeded: Seeded) -> None:
    db, result = seeded
    customer = result.story.new_cluster_node.split(":")[1].split("/")[0]
    rows = {r["node_id"]: r for r in delta(db, result, "delta_nodes", f"customer:{customer}")}
    new = rows[result.story.new_cluster_node]
    assert new["total_a"] == 0
    assert new["created"] == new["total_b"] == new["delta"] > 0


def test_the_moved_resource_is_a_transfer_out_of_one_customer_into_another(
    seeded: Seeded,
) -> None:
    db, result = seeded
    story = result.story
    out = {r["resource_id"]: r for r in delta(db, result, "delta_resources", story.moved_from)}
    into = {r["resource_id"]: r for r in delta(db, result, "delta_resources", story.moved_to)}
    assert out[story.moved_resource]["component"] == "transferred_out"
    assert out[story.moved_resource]["transferred_out"] < 0
    assert into[story.moved_resource]["component"] == "transferred_in"
    root = {r["resource_id"]: r for r in delta(db, result, "delta_resources")}
    assert root[story.moved_resource]["component"] == "continuing"
    # Its attached volume has no tags: it inherits the owner, so it moves with the instance.
    moved_from = {r["node_id"]: r for r in delta(db, result, "delta_nodes")}[story.moved_from]
    assert moved_from["transferred_out"] < out[story.moved_resource]["transferred_out"]
    events = run_query(
        db,
        "delta_events",
        {"resource_id": story.moved_resource, "start": story.base_start, "end": story.compare_end},
    )
    assert {e["kind"] for e in events} == {"owner_change", "cloudtrail"}
    assert any(e["event_name"] == "CreateTags" and e["actor_arn"] for e in events)


def test_terminated_instances_are_removed(seeded: Seeded) -> None:
    db, result = seeded
    rows = {r["resource_id"]: r for r in delta(db, result, "delta_resources")}
    assert result.story.removed_resources
    for resource_id in result.story.removed_resources:
        assert rows[resource_id]["component"] == "removed"
        assert rows[resource_id]["removed"] == -rows[resource_id]["total_a"] < 0


def test_untagged_spend_is_unattributed_and_coverage_is_below_100(seeded: Seeded) -> None:
    db, result = seeded
    window = {"start": result.story.base_start, "end": result.story.compare_end}
    customers = {r["customer"]: r for r in run_query(db, "costs_by_customer", window)}
    assert customers["unattributed"]["effective_cost"] > 0
    (coverage,) = run_query(db, "coverage", window)
    assert Decimal(0) < coverage["coverage_pct"] < Decimal(100)
    assert coverage["unattributed_cost"] == customers["unattributed"]["effective_cost"]
    assert coverage["total_cost"] == sum(r["effective_cost"] for r in customers.values())


def test_idle_resources_are_flagged_and_still_charged_to_an_owner(seeded: Seeded) -> None:
    db, result = seeded
    rows = run_query(
        db,
        "resources",
        {
            "as_of": result.story.compare_end.fromordinal(result.story.compare_end.toordinal() - 1),
            "customer": "",
            "cluster": "",
            "role": "",
            "account_id": "",
            "resource_type": "",
            "state": "",
            "search": "",
            "sort": "resource_id",
            "direction": "asc",
            "limit": 1000,
            "offset": 0,
        },
    )
    by_id = {r["resource_id"]: r for r in rows}
    reasons = {by_id[i]["idle_reason"] for i in result.story.idle_resources}
    assert reasons == {
        "unattached_volume",
        "unassociated_eip",
        "idle_nat_gateway",
        "load_balancer_without_targets",
    }
    for resource_id, kind in result.story.idle_resources.items():
        assert by_id[resource_id]["is_idle"] == 1
        if kind in ("volume", "eip", "lb"):
            assert by_id[resource_id]["marqo_customer"] != "unattributed"


def test_the_same_seed_gives_the_same_rows_and_a_populated_db_is_refused(
    seeded: Seeded, db: PoloClickHouse
) -> None:
    _, first = seeded
    again = seed(db, TEST_SEED)
    assert again.checksums == first.checksums
    assert again.story == first.story
    with pytest.raises(SeedError, match="already holds data"):
        seed(db, TEST_SEED)
    other = seed(db, TEST_SEED.model_copy(update={"random_seed": 12}), replace=True)
    assert other.checksums["cost_daily"] != first.checksums["cost_daily"]


def test_replace_also_wipes_the_provenance_of_rules_applied_since(
    seeded: Seeded, db: PoloClickHouse
) -> None:
    _, first = seeded
    seed(db, TEST_SEED)
    story = first.story
    # The pipeline run with a rules file on the seeded database, as a user trying rules would.
    support = parse_rules(
        f"""\
version = 1

[[rule]]
id = "support"
effective_from = {story.compare_start.isoformat()}
match = {{ service = "AWS Support (Business)" }}
method = "even"
to = [{{ customer = "acme" }}, {{ customer = "globex" }}]
"""
    )
    rebuild(db, story.compare_start, story.compare_end, rules=support)
    moved = db.query("test", "SELECT count() FROM cost_allocations").result_rows[0][0]
    assert moved > 0

    again = seed(db, TEST_SEED, replace=True)

    # The seed applies no rules: nothing may describe a split that its rows no longer show.
    assert db.query("test", "SELECT count() FROM cost_allocations").result_rows == [(0,)]
    assert again.checksums == first.checksums
