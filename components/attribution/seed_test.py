from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from attribution.seed import (
    PRICE_CHANGE_TYPE,
    SeedConfig,
    cost_rows,
    lifecycle_events,
    main,
    plan,
    relationships,
    resource_events,
    story,
)
from collectors.common.tag_resolver import TagResolver

CONFIG = SeedConfig(customers=3, clusters=2, resources=150, days=15, end_date=date(2026, 3, 1))


def test_the_plan_is_a_function_of_the_random_seed() -> None:
    ids = [r.id for r in plan(CONFIG).resources]
    assert ids == [r.id for r in plan(CONFIG).resources]
    assert ids != [r.id for r in plan(CONFIG.model_copy(update={"random_seed": 8})).resources]
    assert len(ids) == len(set(ids)) >= CONFIG.resources


def test_observations_go_through_the_normaliser_and_resolve_every_tag_style() -> None:
    events = resource_events(plan(CONFIG), TagResolver())
    rules = {e.owner_rule for e in events}
    assert {"tag:Customer", "tag:customer-id", "tag:marqo_customer", "unattributed"} <= rules
    assert all(e.ingested_at == e.event_time for e in events)
    assert {e.event_type for e in events} == {"observed", "deleted"}
    types = {e.resource_type for e in events}
    assert {"ec2:instance", "ec2:volume", "ec2:elastic-ip", "ec2:natgateway"} <= types


def test_costs_are_decimal_to_the_micro_dollar_and_the_price_changes_in_window_b() -> None:
    org = plan(CONFIG)
    rows = cost_rows(org, random.Random(1))
    assert all(isinstance(r["billed_cost"], Decimal) for r in rows)
    assert all(r["billed_cost"] == r["billed_cost"].quantize(Decimal("0.000001")) for r in rows)
    s = story(org)
    changed = s.price_changed_resources[0]
    rates = {
        r["charge_period_start"] >= s.compare_start: r["billed_cost"] / r["consumed_quantity"]
        for r in rows
        if r["resource_id"] == changed and r["usage_type"] == f"BoxUsage:{PRICE_CHANGE_TYPE}"
    }
    assert rates[True] == rates[False] * Decimal("1.2")
    assert any(r["resource_id"] == "" for r in rows)  # AWS cost without a resource


def test_edges_and_cloudtrail_events_tell_the_story() -> None:
    org = plan(CONFIG)
    s = story(org)
    kinds = {e.relationship_type for e in relationships(org)}
    assert kinds == {
        "in_vpc",
        "in_subnet",
        "attached_to",
        "associated_with",
        "behind_load_balancer",
    }
    events = lifecycle_events(org, random.Random(1))
    names = {(e.resource_id, e.event_name) for e in events}
    assert (s.moved_resource, "CreateTags") in names
    assert all((r, "TerminateInstances") in names for r in s.removed_resources)
    assert all(e.actor_arn.startswith("arn:aws:iam::") for e in events)


def test_story_windows_are_the_last_two_weeks() -> None:
    s = story(plan(CONFIG))
    assert (s.base_start, s.base_end, s.compare_start, s.compare_end) == (
        date(2026, 2, 15),
        date(2026, 2, 22),
        date(2026, 2, 22),
        date(2026, 3, 1),
    )


def test_a_period_too_short_for_two_windows_is_refused() -> None:
    with pytest.raises(ValidationError):
        SeedConfig(days=10)


def test_the_cli_rejects_bad_sizes_before_connecting(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--days", "3", "--url", "http://127.0.0.1:9/never"]) == 2
    assert "days" in capsys.readouterr().err
