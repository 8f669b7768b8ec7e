"""EC2 instances of one account and region → `ResourceEvent`s (`ec2:instance`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import boto3

from collectors.common.models import ResourceEvent
from collectors.common.normaliser import Observation, normalise_instance
from collectors.common.retry import paginate_items
from collectors.common.tag_resolver import TagResolver

COLLECTOR = "config_ec2"


def list_instances(ec2: Any) -> list[dict[str, Any]]:
    """Every instance in every state (terminated ones while AWS lists them)."""
    return [
        instance
        for reservation in paginate_items(ec2, "describe_instances", "Reservations")
        for instance in reservation.get("Instances", [])
    ]


def collect(
    session: boto3.Session,
    account_id: str,
    region: str,
    *,
    observed_at: datetime | None = None,
    run_id: str = "",
    resolver: TagResolver | None = None,
) -> list[ResourceEvent]:
    at = Observation.for_run(
        account_id, region, observed_at=observed_at, run_id=run_id, resolver=resolver
    )
    ec2 = session.client("ec2", region_name=region)
    return [normalise_instance(instance, at, source=COLLECTOR) for instance in list_instances(ec2)]
