"""The story told by the demo organisation: where the seed put each item of docs/attribution.md
("The seeded story"), for checks and the CLI, the split rules it ships (demo_allocation.toml),
and its CloudTrail records (creates, stops, moves, terminations) run through
`collectors.lifecycle.mapping`.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from attribution.allocation_rules import AllocationRules, load_rules
from attribution.charge_category import TAX_SERVICE
from attribution.demo_costs import (
    CREDIT_ACCOUNT,
    CREDIT_AMOUNT,
    CREDIT_REGIONS,
    CREDIT_SERVICE,
    SAVINGS_PLAN_ID,
    covered_by_savings_plan,
    credit_day,
    savings_plan_expiry,
)
from attribution.demo_organisation import (
    ACCOUNTS,
    CUSTOMER_KEYS,
    CUSTOMER_NAMES,
    PRICE_CHANGE_TYPE,
    WINDOW_DAYS,
    Organisation,
    Resource,
)
from attribution.nodes import cluster_node
from collectors.lifecycle.mapping import map_record

DEMO_RULES_FILE = Path(__file__).with_name("demo_allocation.toml")
"""The split rules the seed applies: a shared NAT gateway."""
SHARED_RULE = "shared-nat"

ACTORS = (
    ("arn:aws:iam::{account}:role/terraform-deployer", "AssumedRole"),
    ("arn:aws:iam::{account}:user/alice", "IAMUser"),
    ("arn:aws:iam::{account}:user/bob", "IAMUser"),
)


class Story(BaseModel):
    """What the seed put where, for checks and for the docs."""

    base_start: date
    base_end: date
    compare_start: date
    compare_end: date
    new_cluster_node: str
    moved_resource: str
    moved_from: str
    moved_to: str
    price_changed_resources: list[str]
    removed_resources: list[str]
    idle_resources: dict[str, str]
    shared_rule: str
    """The split rule of demo_allocation.toml that moves the shared NAT gateway's cost."""
    shared_resources: list[str]
    shared_to: list[str]
    """The customer nodes that get a shared part (Costs > Customers, Shared)."""
    credit_day: date
    credit_account: str
    credit_amount: Decimal
    credit_line: str
    """The credit as the delta lists it under customer:unattributed."""
    tax_service: str
    tax_lines: list[str]
    """One tax line per account, as the delta lists them under customer:unattributed."""
    savings_plan_id: str
    savings_plan_expires: date
    """The first day the plan no longer covers its instances (inside window B)."""
    savings_plan_resources: list[str]
    """Covered instances running on every day of both windows: their effective cost rises."""


def demo_rules() -> AllocationRules:
    return load_rules(DEMO_RULES_FILE)


def _unresourced(account: str, region: str, service: str) -> str:
    """How the delta names cost without a resource id (delta_resources.sql)."""
    return f"unresourced:{account}/{region}/{service}"


def story(org: Organisation) -> Story:
    days = org.config.days
    moved = next(r for r in org.resources if r.moved_at is not None)
    assert moved.owner and moved.moved_owner
    customer = CUSTOMER_NAMES[0]
    return Story(
        base_start=org.day(days - 2 * WINDOW_DAYS),
        base_end=org.day(days - WINDOW_DAYS),
        compare_start=org.day(days - WINDOW_DAYS),
        compare_end=org.config.end_date,
        new_cluster_node=cluster_node(customer, f"{customer}-new"),
        moved_resource=moved.id,
        moved_from=f"customer:{moved.owner.customer}",
        moved_to=f"customer:{moved.moved_owner.customer}",
        price_changed_resources=sorted(
            r.id
            for r in org.resources
            if r.kind == "instance" and r.instance_type == PRICE_CHANGE_TYPE and r.start == 0
        ),
        removed_resources=sorted(
            r.id for r in org.resources if r.kind == "instance" and r.end == org.story_day
        ),
        idle_resources={
            r.id: r.kind
            for r in org.resources
            if r.idle or (r.kind == "nat" and r.vpc not in org.busy_vpcs)
        },
        **_shared_story(org),
        credit_day=org.day(credit_day(org)),
        credit_account=CREDIT_ACCOUNT,
        credit_amount=CREDIT_AMOUNT,
        credit_line=_unresourced(CREDIT_ACCOUNT, CREDIT_REGIONS[0], CREDIT_SERVICE),
        tax_service=TAX_SERVICE,
        tax_lines=[_unresourced(account, "global", TAX_SERVICE) for account, _ in ACCOUNTS],
        savings_plan_id=SAVINGS_PLAN_ID,
        savings_plan_expires=org.day(savings_plan_expiry(org)),
        savings_plan_resources=sorted(
            r.id
            for r in org.resources
            if covered_by_savings_plan(r)
            and r.alive(days - 2 * WINDOW_DAYS)
            and r.alive(days - 1)
            and not r.stopped.intersection(range(days - 2 * WINDOW_DAYS, days))
            and r.moved_at is None
        ),
    )


def _shared_story(org: Organisation) -> dict[str, Any]:
    """The shared NAT gateway: the rule of demo_allocation.toml and what it matches here."""
    rule = next(r for r in demo_rules().rule if r.id == SHARED_RULE)
    accounts = rule.match.account or ()
    return {
        "shared_rule": rule.id,
        "shared_resources": sorted(
            r.id for r in org.resources if r.kind == "nat" and r.account in accounts
        ),
        "shared_to": [f"customer:{target.customer}" for target in rule.to],
    }


def lifecycle_events(org: Organisation, rng: random.Random) -> list[Any]:
    """CloudTrail records of the story (creates, stops, moves, terminations) through the
    lifecycle collector's mapping."""
    records: list[dict[str, Any]] = []

    def record(
        day: int, r: Resource, name: str, params: dict, response: dict | None = None, hour: int = 9
    ) -> None:
        arn_template, actor_type = ACTORS[rng.randrange(len(ACTORS))]
        when = datetime.combine(org.day(day), datetime.min.time(), UTC) + timedelta(hours=hour)
        records.append(
            {
                "eventID": str(uuid.UUID(int=rng.getrandbits(128))),
                "eventTime": when.isoformat(),
                "eventSource": "ec2.amazonaws.com",
                "eventName": name,
                "awsRegion": r.region,
                "recipientAccountId": r.account,
                "sourceIPAddress": f"203.0.113.{rng.randrange(1, 255)}",
                "userAgent": "terraform/1.9.5" if actor_type == "AssumedRole" else "aws-cli/2.17",
                "requestID": str(uuid.UUID(int=rng.getrandbits(128))),
                "userIdentity": {
                    "type": actor_type,
                    "arn": arn_template.format(account=r.account),
                    "accountId": r.account,
                },
                "requestParameters": params,
                "responseElements": response or {},
            }
        )

    for r in org.resources:
        if r.kind != "instance":
            continue
        items = {"instancesSet": {"items": [{"instanceId": r.id}]}}
        if r.start > 0:
            record(r.start, r, "RunInstances", {}, items)
        for day in sorted(r.stopped):
            if day - 1 not in r.stopped:
                record(day, r, "StopInstances", items)
            if day + 1 not in r.stopped and day + 1 < org.config.days:
                record(day + 1, r, "StartInstances", items)
        if r.moved_at is not None and r.moved_owner is not None:
            record(
                r.moved_at,
                r,
                "CreateTags",
                {
                    "resourcesSet": {"items": [{"resourceId": r.id}]},
                    "tagSet": {
                        "items": [
                            {"key": CUSTOMER_KEYS[r.tag_style], "value": r.moved_owner.customer}
                        ]
                    },
                },
                hour=2,
            )
        if r.end < org.config.days:
            record(r.end - 1, r, "TerminateInstances", items, hour=17)
    ingested = datetime.combine(org.config.end_date, datetime.min.time(), UTC)
    return [event for rec in records for event in map_record(rec, ingested_at=ingested)]
