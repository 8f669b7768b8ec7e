from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from collectors.common.retry import ThrottlePolicy
from collectors.cost_explorer.conftest import serve_operation
from collectors.lifecycle.conftest import ct_record, lookup_event, lookup_page
from collectors.lifecycle.lookup import PAGE_SIZE, CloudTrailLookup, record_of
from collectors.lifecycle.mapping import CloudTrailRecordError
from collectors.lifecycle.rate_limit import TokenBucket

START = datetime(2024, 3, 1, 10, tzinfo=UTC)
END = datetime(2024, 3, 1, 12, tzinfo=UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def volume(n: int) -> dict[str, Any]:
    return ct_record("DeleteVolume", request={"volumeId": f"vol-{n}"}, event_id=f"e{n}")


def pages() -> list[dict[str, Any]]:
    return [
        lookup_page(volume(1), volume(2), token="t2"),
        lookup_page(volume(3), token="t3"),
        lookup_page(volume(4)),
    ]


def lookup(client: Any, clock: FakeClock, **kwargs: Any) -> CloudTrailLookup:
    bucket = TokenBucket(2.0, clock=clock, sleep=clock.sleep)
    return CloudTrailLookup(client, bucket, sleep=clock.sleep, **kwargs)


def ids(events: list[dict[str, Any]]) -> list[str]:
    return [e["EventId"] for e in events]


def test_pages_are_followed_with_write_events_only_and_at_most_two_requests_a_second(
    cloudtrail,
) -> None:
    served = serve_operation(cloudtrail, "LookupEvents", pages(), service="cloudtrail")
    clock = FakeClock()
    found = lookup(cloudtrail, clock)
    assert ids(list(found.events(START, END))) == ["e1", "e2", "e3", "e4"]
    assert found.calls == 3
    assert [r.get("NextToken") for r in served.requests] == [None, "t2", "t3"]
    first = served.requests[0]
    assert first["LookupAttributes"] == [{"AttributeKey": "ReadOnly", "AttributeValue": "false"}]
    assert first["MaxResults"] == PAGE_SIZE
    assert clock.sleeps == [0.5, 0.5]  # three requests, spaced by the 2/s bucket


def test_throttling_is_retried_with_backoff_and_nothing_is_lost(cloudtrail) -> None:
    answers = pages()
    answers.insert(1, "ThrottlingException")  # page 2 is throttled once
    served = serve_operation(cloudtrail, "LookupEvents", answers, service="cloudtrail")
    clock = FakeClock()
    found = lookup(cloudtrail, clock)
    assert ids(list(found.events(START, END))) == ["e1", "e2", "e3", "e4"]
    assert found.calls == 4
    assert served.requests[1] == served.requests[2]  # the throttled page was asked again
    assert served.requests[2]["NextToken"] == "t2"
    assert served.pending == 0


def test_persistent_throttling_fails_after_the_policy_s_attempts(cloudtrail) -> None:
    serve_operation(cloudtrail, "LookupEvents", ["ThrottlingException"] * 3, service="cloudtrail")
    clock = FakeClock()
    found = lookup(cloudtrail, clock, policy=ThrottlePolicy(max_attempts=3))
    with pytest.raises(ClientError, match="ThrottlingException"):
        list(found.events(START, END))
    assert found.calls == 3


def test_record_of_parses_the_embedded_cloudtrail_json() -> None:
    assert record_of(lookup_event(volume(1)))["requestParameters"] == {"volumeId": "vol-1"}


@pytest.mark.parametrize("payload", ["{not json", None, "[1, 2]"])
def test_record_of_refuses_a_missing_or_broken_record(payload: str | None) -> None:
    event = {**lookup_event(volume(1)), "CloudTrailEvent": payload}
    with pytest.raises(CloudTrailRecordError, match="e1"):
        record_of(event)
