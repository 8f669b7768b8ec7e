from __future__ import annotations

import random
from datetime import date

from attribution.demo_inventory import relationships
from attribution.demo_organisation import SeedConfig, plan
from attribution.demo_story import demo_rules, lifecycle_events, story

CONFIG = SeedConfig(customers=3, clusters=2, resources=150, days=15, end_date=date(2026, 3, 1))


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


def test_the_story_names_the_shared_nat_gateway_the_savings_plan_the_credit_and_the_tax() -> None:
    org = plan(CONFIG)
    s = story(org)
    nats = {r.id: r for r in org.resources if r.kind == "nat"}
    assert s.shared_rule == "shared-nat"
    assert [nats[n].account for n in s.shared_resources] == ["123456789012"]
    assert s.shared_to == ["customer:acme", "customer:globex"]
    assert s.compare_start < s.credit_day < s.compare_end
    assert s.credit_line == (
        "unresourced:234567890123/us-east-1/Amazon Elastic Compute Cloud - Compute"
    )
    assert len(s.tax_lines) == 3 and all(t.endswith("/global/Tax") for t in s.tax_lines)
    assert s.compare_start < s.savings_plan_expires < s.compare_end
    covered = {r.id: r for r in org.resources if r.id in set(s.savings_plan_resources)}
    assert len(covered) == len(s.savings_plan_resources) > 0
    assert {(r.account, r.instance_type.split(".")[0]) for r in covered.values()} == {
        ("123456789012", "m5")
    }


def test_the_demo_rules_file_is_valid() -> None:
    (rule,) = demo_rules().rule
    assert (rule.id, rule.method) == ("shared-nat", "proportional")
