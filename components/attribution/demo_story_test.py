from __future__ import annotations

import random
from datetime import date

from attribution.demo_inventory import relationships
from attribution.demo_organisation import SeedConfig, plan
from attribution.demo_story import lifecycle_events, story

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
