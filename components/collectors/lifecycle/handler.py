"""Lambda entry point of the lifecycle collector, for two EventBridge triggers:

- a rule matching `{"detail-type": ["AWS API Call via CloudTrail"]}` for the mapped event names
  (`mapping.EVENT_NAMES`): each event is mapped and written at once, with the same mapping code
  as the scheduled lookup;
- a schedule (e.g. hourly): CloudTrail LookupEvents over the trailing window in every configured
  account and region (`collector.py`), through the common runner. `{"lookback_minutes": N}` in
  the event widens the window for a backfill (up to 90 days).

Real-time invocations write no `collector_runs` row (one per API call would drown the
freshness view); the scheduled runs do.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from clickhouse.client import PoloClickHouse, connect
from collectors.common.runner import handle as run_scheduled
from collectors.lifecycle.collector import (
    COLLECTOR_NAME,
    insert_lifecycle_events,
    lifecycle_collect_fn,
    lookback_from,
)
from collectors.lifecycle.events import LifecycleEvent
from collectors.lifecycle.mapping import CloudTrailRecordError, map_record

log = logging.getLogger(__name__)

CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail"


def is_cloudtrail_event(event: Mapping[str, Any]) -> bool:
    return event.get("detail-type") == CLOUDTRAIL_DETAIL_TYPE


def events_from_eventbridge(
    event: Mapping[str, Any], *, ingested_at: datetime
) -> list[LifecycleEvent]:
    """The lifecycle events of one EventBridge 'AWS API Call via CloudTrail' event."""
    detail = event.get("detail")
    if not isinstance(detail, Mapping):
        raise CloudTrailRecordError(
            f"EventBridge event {event.get('id')!r} has no CloudTrail record in 'detail'"
        )
    return map_record(detail, ingested_at=ingested_at, default_account=event.get("account"))


def handle_realtime(
    event: Mapping[str, Any],
    writer: PoloClickHouse,
    *,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> dict[str, Any]:
    """Map and write one real-time event; a malformed one raises, so EventBridge retries it
    and, failing that, keeps it in the dead-letter queue."""
    events = events_from_eventbridge(event, ingested_at=now())
    written = insert_lifecycle_events(writer, events) if events else 0
    detail = event.get("detail") or {}
    return {
        "collector": COLLECTOR_NAME,
        "mode": "realtime",
        "event_id": detail.get("eventID"),
        "event_name": detail.get("eventName"),
        "rows_written": written,
    }


def handler(event: Mapping[str, Any] | None, context: Any) -> dict[str, Any]:
    """AWS Lambda handler."""
    logging.getLogger().setLevel(logging.INFO)
    event = event or {}
    if is_cloudtrail_event(event):
        database = os.environ.get("POLO_CLICKHOUSE_DATABASE", "").strip() or None
        with connect(database=database) as writer:
            return handle_realtime(event, writer)
    collect = lifecycle_collect_fn(lookback_from(event, os.environ))
    return run_scheduled(COLLECTOR_NAME, collect, event, persist=insert_lifecycle_events)
