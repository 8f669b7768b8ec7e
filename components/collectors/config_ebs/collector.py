"""EBS volumes and the account's own snapshots in one region → `ResourceEvent`s."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import boto3

from collectors.common.models import ResourceEvent
from collectors.common.normaliser import Observation, normalise_snapshot, normalise_volume
from collectors.common.retry import paginate_items
from collectors.common.tag_resolver import TagResolver

COLLECTOR = "config_ebs"


def list_volumes(ec2: Any) -> list[dict[str, Any]]:
    return paginate_items(ec2, "describe_volumes", "Volumes")


def list_snapshots(ec2: Any, account_id: str) -> list[dict[str, Any]]:
    """Snapshots owned by `account_id`: without the owner filter AWS lists every public one."""
    return paginate_items(ec2, "describe_snapshots", "Snapshots", OwnerIds=[account_id])


def collect(
    session: boto3.Session,
    account_id: str,
    region: str,
    *,
    observed_at: datetime | None = None,
    run_id: str = "",
    resolver: TagResolver | None = None,
) -> list[ResourceEvent]:
    """Volumes (attached or not) and snapshots owned by `account_id`."""
    ec2 = session.client("ec2", region_name=region)
    at = Observation.for_run(
        account_id, region, observed_at=observed_at, run_id=run_id, resolver=resolver
    )
    events = [normalise_volume(volume, at, source=COLLECTOR) for volume in list_volumes(ec2)]
    events.extend(
        normalise_snapshot(s, at, source=COLLECTOR) for s in list_snapshots(ec2, account_id)
    )
    return events
