"""CloudTrail `LookupEvents` for one account and region: paginated, rate-limited, throttle-safe.

One request stream covers every lifecycle change: the `ReadOnly = false` lookup attribute
returns write events only (LookupEvents takes a single attribute, and filtering by event name
would need one stream per name), and events whose name Polo does not map are dropped before
their JSON is parsed.

Each request — retries included — first takes a token from the account/region's bucket (2/s),
so the client must not retry on its own: build it with `NO_BOTOCORE_RETRIES`. A throttled
request is retried with the same NextToken after a backoff, so no page is skipped or repeated.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

from botocore.config import Config

from collectors.common.retry import ThrottlePolicy, retrying
from collectors.lifecycle.mapping import CloudTrailRecordError
from collectors.lifecycle.rate_limit import TokenBucket

log = logging.getLogger(__name__)

NO_BOTOCORE_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})
PAGE_SIZE = 50  # the LookupEvents maximum
WRITE_EVENTS = [{"AttributeKey": "ReadOnly", "AttributeValue": "false"}]


def record_of(event: Mapping[str, Any]) -> dict[str, Any]:
    """The CloudTrail record (the same JSON EventBridge delivers) inside a LookupEvents event."""
    raw = event.get("CloudTrailEvent")
    try:
        record = json.loads(raw) if isinstance(raw, str) else None
    except json.JSONDecodeError as exc:
        raise CloudTrailRecordError(
            f"event {event.get('EventId')}: CloudTrailEvent is not JSON ({exc})"
        ) from exc
    if not isinstance(record, dict):
        raise CloudTrailRecordError(f"event {event.get('EventId')}: no CloudTrailEvent record")
    return record


class CloudTrailLookup:
    """Pages through LookupEvents for one account/region; `calls` counts every request sent."""

    def __init__(
        self,
        client: Any,
        limiter: TokenBucket,
        *,
        policy: ThrottlePolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._limiter = limiter
        self._retrying = retrying(policy).copy(sleep=sleep)
        self.calls = 0
        self.pages = 0

    def events(self, start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
        """Every write event in `[start, end]`, newest first (the order CloudTrail returns)."""
        params: dict[str, Any] = {
            "LookupAttributes": WRITE_EVENTS,
            "StartTime": start,
            "EndTime": end,
            "MaxResults": PAGE_SIZE,
        }
        while True:
            page = self._retrying(self._request, params)
            self.pages += 1
            yield from page.get("Events", [])
            token = page.get("NextToken")
            if not token:
                return
            params = {**params, "NextToken": token}

    def _request(self, params: dict[str, Any]) -> dict[str, Any]:
        self._limiter.acquire()
        self.calls += 1
        return self._client.lookup_events(**params)
