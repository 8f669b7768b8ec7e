"""The story told by the demo organisation: where the seed put each item of docs/attribution.md
("The seeded story"), for checks and the CLI, and its CloudTrail records (creates, stops, moves,
terminations) run through `collectors.lifecycle.mapping`.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from attribution.demo_organisation import (
    CUSTOMER_KEYS,
    CUSTOMER_NAMES,
    PRICE_CHANGE_TYPE,
    WINDOW_DAYS,
    Organisation,
    Resource,
)
from attribution.nodes import cluster_node
from collectors.lifecycle.mapping import map_record

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
    )


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
