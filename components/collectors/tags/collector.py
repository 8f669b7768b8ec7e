"""Tags of every taggable resource in one account and region, from the Resource Groups Tagging
API → `tagged` `ResourceEvent`s.

This covers resource types the config collectors do not describe (S3 buckets, RDS, Lambda, …)
and is the cheap way to keep owner tags fresh: one paginated API for every service.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import boto3

from collectors.common.models import ResourceEvent
from collectors.common.normaliser import Observation, normalise_tagged_resource
from collectors.common.retry import paginate_items
from collectors.common.tag_resolver import TagResolver

COLLECTOR = "tags"

log = logging.getLogger(__name__)


def list_tagged_resources(tagging: Any) -> list[dict[str, Any]]:
    return paginate_items(tagging, "get_resources", "ResourceTagMappingList")


def collect(
    session: boto3.Session,
    account_id: str,
    region: str,
    *,
    observed_at: datetime | None = None,
    run_id: str = "",
    resolver: TagResolver | None = None,
) -> list[ResourceEvent]:
    """One `tagged` event per resource. A mapping Polo cannot represent (an ARN that does not
    parse) is logged with its ARN and skipped; it never fails the other resources."""
    at = Observation.for_run(
        account_id, region, observed_at=observed_at, run_id=run_id, resolver=resolver
    )
    tagging = session.client("resourcegroupstaggingapi", region_name=region)
    events: list[ResourceEvent] = []
    for mapping in list_tagged_resources(tagging):
        try:
            events.append(normalise_tagged_resource(mapping, at, source=COLLECTOR))
        except ValueError as exc:
            log.error("tags %s/%s: skipped resource: %s", account_id, region, exc)
    return events
