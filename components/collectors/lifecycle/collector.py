"""The scheduled lifecycle collector: LookupEvents over a window → `lifecycle_events`.

The common runner (`collectors.common.runner`) fans it out over the configured accounts and
regions, assumes the read role, counts the API calls and writes one `collector_runs` row per
account/region. The window ends at the run's observation time and reaches back
`lookback` (default 2 h for an hourly schedule): consecutive windows overlap, so an event that
CloudTrail delivers late is still picked up, and the overlap collapses in the ReplacingMergeTree.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from pydantic import BaseModel, ConfigDict

from clickhouse.client import PoloClickHouse
from collectors.common.runner import CollectFn
from collectors.common.tag_resolver import TagResolver
from collectors.lifecycle.events import LifecycleEvent
from collectors.lifecycle.lookup import NO_BOTOCORE_RETRIES, CloudTrailLookup, record_of
from collectors.lifecycle.mapping import RULES, CloudTrailRecordError, map_record
from collectors.lifecycle.rate_limit import TokenBucket

log = logging.getLogger(__name__)

COLLECTOR_NAME = "lifecycle"
TABLE = "lifecycle_events"
DEFAULT_LOOKBACK = timedelta(hours=2)
# CloudTrail keeps 90 days of management events for LookupEvents.
MAX_LOOKBACK = timedelta(days=90)


class LookupBatch(BaseModel):
    """What one account/region lookup found."""

    model_config = ConfigDict(frozen=True)

    events: tuple[LifecycleEvent, ...]
    write_events_seen: int
    malformed: int
    api_calls: int


def collect_window(
    client: Any,
    account_id: str,
    start: datetime,
    end: datetime,
    *,
    limiter: TokenBucket | None = None,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> LookupBatch:
    """Look up the window's write events and map those that change resources.

    A malformed record is logged with its event id and skipped: one bad record must not block
    every later run whose window covers it. The count is returned (and logged).
    """
    lookup = CloudTrailLookup(client, limiter or TokenBucket(sleep=sleep), sleep=sleep)
    ingested_at = now()
    events: list[LifecycleEvent] = []
    seen = malformed = 0
    started = time.monotonic()
    for event in lookup.events(start, end):
        seen += 1
        if (event.get("EventSource"), event.get("EventName")) not in RULES:
            continue
        try:
            events.extend(
                map_record(record_of(event), ingested_at=ingested_at, default_account=account_id)
            )
        except CloudTrailRecordError as exc:
            malformed += 1
            log.warning("lifecycle %s: skipping malformed CloudTrail event: %s", account_id, exc)
        if seen % 500 == 0:
            log.info(
                "lifecycle %s: %d write events read, %d lifecycle rows, %.0f events/s",
                account_id,
                seen,
                len(events),
                seen / max(time.monotonic() - started, 0.001),
            )
    return LookupBatch(
        events=tuple(events), write_events_seen=seen, malformed=malformed, api_calls=lookup.calls
    )


def lifecycle_collect_fn(lookback: timedelta = DEFAULT_LOOKBACK) -> CollectFn:
    """The runner's collect function for windows `[observed_at - lookback, observed_at]`."""
    _check_lookback(lookback)

    def collect(
        session: boto3.Session,
        account_id: str,
        region: str,
        *,
        observed_at: datetime,
        run_id: str,
        resolver: TagResolver,
    ) -> Sequence[LifecycleEvent]:
        client = session.client("cloudtrail", region_name=region, config=NO_BOTOCORE_RETRIES)
        batch = collect_window(client, account_id, observed_at - lookback, observed_at)
        log.info(
            "lifecycle %s/%s: %d write events, %d lifecycle rows, %d malformed, %d requests",
            account_id,
            region,
            batch.write_events_seen,
            len(batch.events),
            batch.malformed,
            batch.api_calls,
        )
        return batch.events

    return collect


def insert_lifecycle_events(
    writer: PoloClickHouse,
    events: Sequence[LifecycleEvent],
    account_id: str = "",
    region: str = "",
    observed_at: datetime | None = None,
) -> int:
    """Append to `lifecycle_events` (the runner's persist function)."""
    return writer.insert_rows(TABLE, list(events), column_names=LifecycleEvent.column_names())


def lookback_from(event: Mapping[str, Any] | None, env: Mapping[str, str]) -> timedelta:
    """`event["lookback_minutes"]` (a backfill), else `POLO_LIFECYCLE_LOOKBACK_MINUTES`,
    else 2 hours."""
    raw: Any = (event or {}).get("lookback_minutes") or env.get("POLO_LIFECYCLE_LOOKBACK_MINUTES")
    if raw in (None, ""):
        return DEFAULT_LOOKBACK
    try:
        minutes = int(raw)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"lookback minutes must be an integer, got {raw!r}") from exc
    return _check_lookback(timedelta(minutes=minutes))


def _check_lookback(lookback: timedelta) -> timedelta:
    if not timedelta(0) < lookback <= MAX_LOOKBACK:
        raise ValueError(
            f"lookback must be between 1 minute and {MAX_LOOKBACK.days} days, got {lookback}"
        )
    return lookback
