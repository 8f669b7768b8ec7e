"""Every named query on the seeded organisation: sensible, consistent answers."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from attribution.queries import QUERY_NAMES, default_data_end, run_delta, run_query
from attribution.seed import SeedResult
from clickhouse.client import ClickHouseQueryError, PoloClickHouse

Seeded = tuple[PoloClickHouse, SeedResult]


def window(result: SeedResult) -> dict[str, Any]:
    return {"start": result.story.base_start, "end": result.story.compare_end}


def resources_params(result: SeedResult, **overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "as_of": result.story.compare_end - timedelta(days=1),
        "customer": "",
        "cluster": "",
        "role": "",
        "account_id": "",
        "resource_type": "",
        "state": "",
        "search": "",
        "sort": "cost",
        "direction": "desc",
        "limit": 50,
        "offset": 0,
    }
    params.update(overrides)
    return params


def all_params(result: SeedResult) -> dict[str, dict[str, Any]]:
    s = result.story
    delta = {
        "base_start": s.base_start,
        "base_end": s.base_end,
        "compare_start": s.compare_start,
        "compare_end": s.compare_end,
        "hierarchy": "logical",
        "node_id": "",
    }
    return {
        "costs_by_customer": window(result),
        "costs_by_account_role": {**window(result), "customer": ""},
        "daily_trend": {**window(result), "customer": ""},
        "delta_nodes": delta,
        "delta_resources": delta,
        "delta_charges": delta,
        "delta_events": {"resource_id": s.moved_resource, **window(result)},
        "resources": resources_params(result),
        "hierarchy_tree": {
            **window(result),
            "as_of": s.base_end,
            "hierarchy": "logical",
            "node_id": "",
        },
        "node_cost_trend": {"hierarchy": "physical", "node_id": "", **window(result)},
        "coverage": window(result),
        "freshness": {},
        "export_focus": {**window(result), "limit": 1000, "offset": 0},
        "dashboard_summary": {
            "start": s.base_start,
            "end": s.compare_end,
            "previous_start": s.base_start - (s.compare_end - s.base_start),
            "previous_end": s.base_start,
        },
    }


def test_the_story_windows_hold_cost_on_every_day_and_end_with_the_last_cost_day(
    seeded: Seeded,
) -> None:
    db, result = seeded
    s, windows = result.story, result.story_windows
    assert windows.complete and windows.note is None
    assert (windows.base.days_with_cost, windows.compare.days_with_cost) == (7, 7)
    # The seed marks its last two days provisional, as Cost Explorer would.
    assert (windows.base.provisional_days, windows.compare.provisional_days) == (0, 2)
    assert default_data_end(db, s.compare_end + timedelta(days=30)) == s.compare_end
    assert default_data_end(db, s.compare_end) == s.compare_end


@pytest.mark.parametrize("name", ["delta_nodes", "delta_resources", "delta_charges"])
def test_a_delta_reaching_past_the_last_cost_day_is_flagged_not_silent(
    seeded: Seeded, name: str
) -> None:
    db, result = seeded
    s = result.story
    late = {
        **all_params(result)["delta_nodes"],
        "base_start": s.base_start + timedelta(days=3),
        "base_end": s.base_end + timedelta(days=3),
        "compare_start": s.compare_start + timedelta(days=3),
        "compare_end": s.compare_end + timedelta(days=3),
    }
    answer = run_delta(db, name, late)
    assert answer.rows
    assert answer.windows.base.complete
    assert not answer.windows.compare.complete and not answer.windows.complete
    assert answer.windows.compare.days_with_cost == 4
    assert answer.windows.compare.days_after_last_cost_day == 3
    assert answer.windows.note and "compare window" in answer.windows.note
    on_time = run_delta(db, name, all_params(result)["delta_nodes"])
    assert on_time.windows.complete and on_time.rows


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_every_named_query_answers_the_seeded_organisation(seeded: Seeded, name: str) -> None:
    db, result = seeded
    assert run_query(db, name, all_params(result)[name])


def test_costs_trend_and_coverage_agree(seeded: Seeded) -> None:
    db, result = seeded
    by_customer = run_query(db, "costs_by_customer", window(result))
    trend = run_query(db, "daily_trend", {**window(result), "customer": ""})
    by_account = run_query(db, "costs_by_account_role", {**window(result), "customer": ""})
    (coverage,) = run_query(db, "coverage", window(result))
    total = coverage["total_cost"]
    assert sum(r["effective_cost"] for r in by_customer) == total
    assert sum(r["effective_cost"] for r in trend) == total
    assert sum(r["effective_cost"] for r in by_account) == total
    assert [r["charge_date"] for r in trend] == [
        result.story.base_start + timedelta(days=i) for i in range(14)
    ]
    assert sum(r["share_pct"] for r in by_customer) == pytest.approx(
        Decimal(100), abs=Decimal("0.0001")
    )
    assert sorted((r["effective_cost"] for r in by_customer), reverse=True) == [
        r["effective_cost"] for r in by_customer
    ]
    summary = run_query(db, "dashboard_summary", all_params(result)["dashboard_summary"])
    (window_row,) = (r for r in summary if r["section"] == "window")
    assert window_row["total_cost"] == total
    assert [
        (r["customer"], r["effective_cost"]) for r in summary if r["section"] == "customer"
    ] == [(r["customer"], r["effective_cost"]) for r in by_customer]


def test_a_customer_filter_narrows_the_trend_and_the_account_roles(seeded: Seeded) -> None:
    db, result = seeded
    customer = result.story.moved_to.removeprefix("customer:")
    trend = run_query(db, "daily_trend", {**window(result), "customer": customer})
    roles = run_query(db, "costs_by_account_role", {**window(result), "customer": customer})
    listed = {r["customer"]: r for r in run_query(db, "costs_by_customer", window(result))}
    assert sum(r["effective_cost"] for r in trend) == listed[customer]["effective_cost"]
    assert sum(r["effective_cost"] for r in roles) == listed[customer]["effective_cost"]
    assert {r["customers"] for r in roles} == {1}


def test_the_focus_export_has_every_cent_and_the_owner_as_tags(seeded: Seeded) -> None:
    db, result = seeded
    (coverage,) = run_query(db, "coverage", window(result))
    rows: list[dict[str, Any]] = []
    while page := run_query(
        db, "export_focus", {**window(result), "limit": 5000, "offset": len(rows)}
    ):
        rows.extend(page)
    assert sum(r["EffectiveCost"] for r in rows) == coverage["total_cost"]
    customers = run_query(db, "costs_by_customer", window(result))
    by_customer = {r["customer"]: r["effective_cost"] for r in customers}
    exported: dict[str, Decimal] = {}
    for row in rows:
        customer = json.loads(row["Tags"])["marqo_customer"]
        exported[customer] = exported.get(customer, Decimal(0)) + row["EffectiveCost"]
    assert exported == by_customer
    # The demo's tax and SLA credit leave with their FOCUS charge category.
    assert {r["ChargeCategory"] for r in rows} == {"Usage", "Tax", "Credit"}
    credit = [r for r in rows if r["ChargeCategory"] == "Credit"]
    assert sum(r["EffectiveCost"] for r in credit) == result.story.credit_amount
    assert all(r["x_UsageType"] == "Credit" for r in credit)
    assert all(r["ChargePeriodEnd"] - r["ChargePeriodStart"] == timedelta(days=1) for r in rows)


@pytest.mark.parametrize("hierarchy", ["logical", "physical"])
def test_tree_children_and_node_trend_add_up_to_the_same_cost(
    seeded: Seeded, hierarchy: str
) -> None:
    db, result = seeded
    w = window(result)
    node, total = "", run_query(db, "coverage", w)[0]["total_cost"]
    # Walk down the most expensive child three levels; each level's children sum to the node.
    for _ in range(4):
        children = run_query(
            db,
            "hierarchy_tree",
            {**w, "as_of": result.story.base_end, "hierarchy": hierarchy, "node_id": node},
        )
        trend = run_query(db, "node_cost_trend", {"hierarchy": hierarchy, "node_id": node, **w})
        assert sum(r["effective_cost"] for r in children) == total
        assert sum(r["effective_cost"] for r in trend) == total
        structural = [r for r in children if r["node_id"] != node and r["descendants"] > 0]
        if not structural:
            break
        node, total = structural[0]["node_id"], structural[0]["effective_cost"]
    assert node  # at least one level below the root was visited


def test_every_child_of_a_region_has_its_tree_cost_in_its_trend(seeded: Seeded) -> None:
    db, result = seeded
    w = window(result)
    tree = {**w, "as_of": result.story.base_end, "hierarchy": "physical"}
    account = run_query(db, "hierarchy_tree", {**tree, "node_id": ""})[0]["node_id"]
    region = run_query(db, "hierarchy_tree", {**tree, "node_id": account})[0]["node_id"]
    children = run_query(db, "hierarchy_tree", {**tree, "node_id": region})
    # Leaves included: a bucket the collectors do not list has no snapshot, hence no closure
    # rows, and hangs directly under its region.
    unlisted = [r for r in children if r["node_id"].startswith("polo-logs-")]
    assert unlisted and unlisted[0]["effective_cost"] > 0
    for child in children:
        trend = run_query(
            db, "node_cost_trend", {"hierarchy": "physical", "node_id": child["node_id"], **w}
        )
        assert sum(r["effective_cost"] for r in trend) == child["effective_cost"], child


def test_resources_filter_sort_and_page(seeded: Seeded) -> None:
    db, result = seeded
    first = run_query(db, "resources", resources_params(result, limit=10))
    second = run_query(db, "resources", resources_params(result, limit=10, offset=10))
    costs = [r["cost"] for r in first + second]
    assert costs == sorted(costs, reverse=True)
    assert not {r["resource_id"] for r in first} & {r["resource_id"] for r in second}
    assert first[0]["total_rows"] > 20
    ascending = run_query(
        db, "resources", resources_params(result, sort="resource_id", direction="asc", limit=5)
    )
    assert [r["resource_id"] for r in ascending] == sorted(r["resource_id"] for r in ascending)
    volumes = run_query(
        db, "resources", resources_params(result, resource_type="ec2:volume", state="available")
    )
    assert volumes and {r["idle_reason"] for r in volumes} == {"unattached_volume"}
    found = run_query(
        db, "resources", resources_params(result, search=result.story.moved_resource[2:10].upper())
    )
    assert [r["resource_id"] for r in found] == [result.story.moved_resource]


def test_resources_refuses_columns_outside_its_output_and_bad_directions(seeded: Seeded) -> None:
    db, result = seeded
    with pytest.raises(ClickHouseQueryError):
        run_query(db, "resources", resources_params(result, sort="version"))
    with pytest.raises(ClickHouseQueryError, match="direction must be asc or desc"):
        run_query(db, "resources", resources_params(result, direction="sideways"))


def test_windows_must_run_forward(seeded: Seeded) -> None:
    db, result = seeded
    backwards = {"start": result.story.compare_end, "end": result.story.base_start}
    for name in ("costs_by_customer", "coverage", "daily_trend"):
        params = {**backwards, **({"customer": ""} if name == "daily_trend" else {})}
        with pytest.raises(ClickHouseQueryError, match="end must be after start"):
            run_query(db, name, params)


def test_freshness_lists_each_collector_once(seeded: Seeded) -> None:
    db, _ = seeded
    rows = run_query(db, "freshness", {})
    assert len({r["collector"] for r in rows}) == len(rows) >= 5
    assert {r["last_status"] for r in rows} == {"ok"}
