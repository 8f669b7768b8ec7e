from __future__ import annotations

from datetime import date

from attribution.demo_inventory import resource_events
from attribution.demo_organisation import SeedConfig, plan
from collectors.common.tag_resolver import TagResolver

CONFIG = SeedConfig(customers=3, clusters=2, resources=150, days=15, end_date=date(2026, 3, 1))


def test_observations_go_through_the_normaliser_and_resolve_every_tag_style() -> None:
    events = resource_events(plan(CONFIG), TagResolver())
    rules = {e.owner_rule for e in events}
    assert {"tag:Customer", "tag:customer-id", "tag:marqo_customer", "unattributed"} <= rules
    assert all(e.ingested_at == e.event_time for e in events)
    assert {e.event_type for e in events} == {"observed", "deleted"}
    types = {e.resource_type for e in events}
    assert {"ec2:instance", "ec2:volume", "ec2:elastic-ip", "ec2:natgateway"} <= types
