"""The seeded story, read back through the named queries (docs/attribution.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from attribution.allocation_rules import parse_rules
from attribution.charge_category import CHARGES
from attribution.conftest import TEST_SEED
from attribution.pipeline import rebuild
from attribution.queries import run_query
from attribution.seed import SeedError, SeedResult, seed
from clickhouse.client import PoloClickHouse

Seeded = tuple[PoloClickHouse, SeedResult]


def delta(
    db: PoloClickHouse,
    result: SeedResult,
    name: str,
    node: str = "",
    hierarchy="logical",
    **extra: str,
):
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
            **extra,
        },
    )


def _usage_rows(rows: list[dict]) -> dict[str, dict]:
    """delta_resources' usage row of each resource (its charge rows are rows of their own)."""
    return {r["resource_id"]: r for r in rows if r["component"] not in CHARGES}


def test_the_price_change_is_a_rate_effect(seeded: Seeded) -> None:
    db, result = seeded
    rows = _usage_rows(delta(db, result, "delta_resources"))
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
    # Created at its billed cost; the Savings Plan covers some of its hours (commitment).
    assert new["created"] + new["commitment"] == new["total_b"] == new["delta"] > 0
    assert new["created"] > 0


def test_the_moved_resource_is_a_transfer_out_of_one_customer_into_another(
    seeded: Seeded,
) -> None:
    db, result = seeded
    story = result.story
    out = _usage_rows(delta(db, result, "delta_resources", story.moved_from))
    into = _usage_rows(delta(db, result, "delta_resources", story.moved_to))
    assert out[story.moved_resource]["component"] == "transferred_out"
    assert out[story.moved_resource]["transferred_out"] < 0
    assert into[story.moved_resource]["component"] == "transferred_in"
    root = _usage_rows(delta(db, result, "delta_resources"))
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
    rows = _usage_rows(delta(db, result, "delta_resources"))
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
    rules_moved = "SELECT DISTINCT allocation_rule FROM cost_allocations ORDER BY 1"
    assert db.query("test", rules_moved).result_rows == [("shared-nat",), ("support",)]

    again = seed(db, TEST_SEED, replace=True)

    # Only the demo's own rule describes the reseeded rows: nothing is left of the other one.
    assert db.query("test", rules_moved).result_rows == [("shared-nat",)]
    assert again.checksums == first.checksums


def _window(result: SeedResult) -> dict[str, object]:
    return {"start": result.story.base_start, "end": result.story.compare_end}


def _scalar(db: PoloClickHouse, sql: str, parameters: dict[str, object]) -> Decimal:
    return Decimal(db.query("test", sql, parameters).result_rows[0][0])


def test_the_shared_nat_gateway_is_the_shared_part_of_its_customers(seeded: Seeded) -> None:
    db, result = seeded
    s = result.story
    customers = {r["customer"]: r for r in run_query(db, "costs_by_customer", _window(result))}
    shared_to = [node.removeprefix("customer:") for node in s.shared_to]
    for customer in shared_to:
        assert customers[customer]["shared_effective_cost"] > 0
    assert all(
        row["shared_effective_cost"] == 0 for c, row in customers.items() if c not in shared_to
    )
    # Every cent of the gateway's bill over the window, and nothing else, is shared.
    nat_bill = _scalar(
        db,
        "SELECT sum(effective_cost) FROM cost_daily FINAL WHERE resource_id IN {ids:Array(String)} "
        "AND charge_period_start >= {start:Date} AND charge_period_start < {end:Date}",
        {"ids": s.shared_resources, **_window(result)},
    )
    assert nat_bill > 0
    assert sum(customers[c]["shared_effective_cost"] for c in shared_to) == nat_bill
    unattributed_nat = _scalar(
        db,
        "SELECT count() FROM cost_attributed_daily WHERE resource_id IN {ids:Array(String)} "
        "AND NOT startsWith(owner_rule, 'allocation:')",
        {"ids": s.shared_resources},
    )
    assert unattributed_nat == 0


def test_the_credit_and_the_tax_are_lines_of_the_unattributed_delta(seeded: Seeded) -> None:
    db, result = seeded
    s = result.story
    # A charge is a row of its own, named by its category (docs/attribution.md, charge lines).
    rows = {
        (r["resource_id"], r["component"]): r
        for r in delta(db, result, "delta_resources", "customer:unattributed")
    }
    credit = rows[(s.credit_line, "credit")]
    assert credit["delta"] == credit["credit"] == credit["total_b"] == s.credit_amount < 0
    assert credit["created"] == credit["usage_effect"] == 0
    for line in s.tax_lines:
        tax = rows[(line, "tax")]
        assert tax["total_a"] > 0 and tax["total_b"] > 0
        assert tax["tax"] == tax["delta"]
    rows = {key[0]: row for key, row in rows.items() if key[1] == "tax"}
    tax_b = _scalar(
        db,
        "SELECT sum(effective_cost) FROM cost_daily FINAL WHERE service_name = {service:String} "
        "AND charge_period_start >= {start:Date} AND charge_period_start < {end:Date}",
        {"service": s.tax_service, "start": s.compare_start, "end": s.compare_end},
    )
    assert sum(rows[line]["total_b"] for line in s.tax_lines) == tax_b > 0
    # Credits lower the unattributed customer's cost; coverage still counts them.
    customers = {r["customer"]: r for r in run_query(db, "costs_by_customer", _window(result))}
    unresourced = _scalar(
        db,
        "SELECT sum(effective_cost) FROM cost_attributed_daily WHERE resource_id = '' "
        "AND charge_date >= {start:Date} AND charge_date < {end:Date}",
        _window(result),
    )
    assert customers["unattributed"]["effective_cost"] > unresourced


def test_the_expiring_savings_plan_raises_its_instances_effective_cost(seeded: Seeded) -> None:
    db, result = seeded
    s = result.story
    daily = db.query(
        "test",
        "SELECT resource_id, charge_period_start < {expires:Date} AS covered, "
        "countIf(effective_cost < billed_cost), countIf(effective_cost = billed_cost) "
        "FROM cost_daily FINAL WHERE resource_id IN {ids:Array(String)} GROUP BY 1, 2",
        {"expires": s.savings_plan_expires, "ids": s.savings_plan_resources},
    ).result_rows
    assert {(covered, below > 0, equal > 0) for _r, covered, below, equal in daily} == {
        (1, True, False),
        (0, False, True),
    }
    # The instances run the same hours in both windows, yet cost more in B: the delta of every
    # node above them shows it as their commitment rows, not as a price change of the instances.
    owners = db.query(
        "test",
        "SELECT DISTINCT marqo_customer FROM cost_attributed_daily "
        "WHERE resource_id IN {ids:Array(String)}",
        {"ids": s.savings_plan_resources},
    ).result_rows
    seen = set()
    for (customer,) in owners:
        rows = delta(db, result, "delta_resources", f"customer:{customer}")
        for row in rows:
            if row["resource_id"] not in s.savings_plan_resources:
                continue
            if row["component"] == "commitment":
                assert row["commitment"] == row["delta"] == row["total_b"] - row["total_a"] > 0
                seen.add(row["resource_id"])
            else:
                # Same hours at the same on-demand price: no rate effect.
                assert row["component"] == "continuing"
                assert row["rate_effect"] == row["delta"] == 0
    assert seen == set(s.savings_plan_resources)


def _charges(db: PoloClickHouse, result: SeedResult, node: str = "") -> dict[str, dict]:
    return {r["category"]: r for r in delta(db, result, "delta_charges", node)}


def test_the_delta_by_charge_names_the_savings_plan_the_credit_and_the_tax(
    seeded: Seeded,
) -> None:
    db, result = seeded
    s = result.story
    root = _charges(db, result)
    nodes = delta(db, result, "delta_nodes")
    # Both bases: the six lines add up to the root's change, to the cent and below.
    effective = sum(r["delta"] for r in nodes)
    assert sum(r["delta"] for r in root.values()) == effective
    billed = _scalar(
        db,
        "SELECT sumIf(billed_cost, charge_date >= {b0:Date}) - sumIf(billed_cost, "
        "charge_date < {b0:Date}) FROM cost_attributed_daily "
        "WHERE charge_date >= {a0:Date} AND charge_date < {b1:Date}",
        {"a0": s.base_start, "b0": s.compare_start, "b1": s.compare_end},
    )
    assert sum(r["billed_delta"] for r in root.values()) == billed
    # The Savings Plan expired in B: the discount it gave in A is smaller in B, so the commitment
    # line is the cost it no longer takes off (every covered instance's, the story's among them);
    # billed cost never had it.
    lost = (
        "sumIf(billed_cost - effective_cost, charge_date < {b0:Date}) - sumIf(billed_cost - "
        "effective_cost, charge_date >= {b0:Date}) FROM cost_attributed_daily "
        "WHERE charge_date >= {a0:Date} AND charge_date < {b1:Date}"
    )
    span = {"a0": s.base_start, "b0": s.compare_start, "b1": s.compare_end}
    discount = _scalar(db, f"SELECT {lost}", span)
    story = _scalar(
        db,
        f"SELECT {lost} AND resource_id IN {{ids:Array(String)}}",
        {**span, "ids": s.savings_plan_resources},
    )
    assert root["commitment"]["delta"] == discount >= story > 0
    assert root["commitment"]["billed_delta"] == 0
    assert root["credit"]["delta"] == root["credit"]["billed_delta"] == s.credit_amount < 0
    assert root["tax"]["total_a"] > 0 and root["tax"]["total_b"] > 0
    assert root["adjustment"]["delta"] == root["purchase"]["delta"] == 0
    # Each item where it belongs: the credit and tax are unattributed cost (no resource), the
    # commitment is the covered instances' customers', which add up to the root's.
    unattributed = _charges(db, result, "customer:unattributed")
    assert unattributed["credit"]["delta"] == s.credit_amount
    assert unattributed["tax"] == root["tax"]
    customers = [r["node_id"] for r in nodes]
    assert (
        sum(_charges(db, result, c)["commitment"]["delta"] for c in customers)
        == (root["commitment"]["delta"])
    )
    # The decomposition has the same lines as components of its own, on both bases.
    for basis, column in (("effective", "delta"), ("billed", "billed_delta")):
        rows = delta(db, result, "delta_nodes", basis=basis)
        for charge in CHARGES:
            assert sum(r[charge] for r in rows) == root[charge][column], (basis, charge)
        assert sum(r["delta"] for r in rows) == sum(r[column] for r in root.values())
