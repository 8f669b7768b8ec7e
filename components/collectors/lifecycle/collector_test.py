from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto import mock_aws

from collectors.common.tag_resolver import TagResolver
from collectors.cost_explorer.conftest import serve_operation
from collectors.lifecycle.collector import (
    DEFAULT_LOOKBACK,
    collect_window,
    lifecycle_collect_fn,
    lookback_from,
)
from collectors.lifecycle.conftest import ACCOUNT, REGION, ct_record, lookup_event, lookup_page
from collectors.lifecycle.rate_limit import TokenBucket

START = datetime(2024, 3, 1, 10, tzinfo=UTC)
END = datetime(2024, 3, 1, 12, tzinfo=UTC)
NOW = datetime(2024, 3, 1, 12, 3, tzinfo=UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def session() -> Iterator[boto3.Session]:
    with mock_aws():
        yield boto3.Session(region_name=REGION)


def test_a_window_maps_lifecycle_calls_and_skips_the_rest(cloudtrail) -> None:
    broken = lookup_event(ct_record("DeleteVolume", request={"volumeId": "vol-x"}, event_id="bad"))
    broken["CloudTrailEvent"] = "{truncated"
    serve_operation(
        cloudtrail,
        "LookupEvents",
        [
            {
                "Events": [
                    lookup_event(
                        ct_record(
                            "RunInstances",
                            event_id="run",
                            response={
                                "instancesSet": {
                                    "items": [{"instanceId": "i-1"}, {"instanceId": "i-2"}]
                                }
                            },
                        )
                    ),
                    lookup_event(ct_record("CreateSecurityGroup", event_id="sg", request={})),
                    lookup_event(
                        ct_record("CreateVolume", event_id="failed", error="Server.Unavailable")
                    ),
                    broken,
                ],
                "NextToken": "t2",
            },
            lookup_page(ct_record("DeleteVolume", request={"volumeId": "vol-1"}, event_id="del")),
        ],
        service="cloudtrail",
    )
    clock = FakeClock()
    batch = collect_window(
        cloudtrail,
        ACCOUNT,
        START,
        END,
        limiter=TokenBucket(clock=clock, sleep=clock.sleep),
        sleep=clock.sleep,
        now=lambda: NOW,
    )
    assert [(e.event_id, e.action, e.resource_id) for e in batch.events] == [
        ("run", "create", "i-1"),
        ("run", "create", "i-2"),
        ("del", "terminate", "vol-1"),
    ]
    assert (batch.write_events_seen, batch.malformed, batch.api_calls) == (5, 1, 2)
    assert all(e.ingested_at == NOW for e in batch.events)


def test_the_runner_s_collect_function_looks_back_from_the_observation_time(session) -> None:
    served = serve_operation(
        session,
        "LookupEvents",
        [lookup_page(ct_record("DeleteVolume", request={"volumeId": "vol-1"}))],
        service="cloudtrail",
    )
    collect = lifecycle_collect_fn(timedelta(minutes=90))
    events = collect(session, ACCOUNT, REGION, observed_at=END, run_id="r1", resolver=TagResolver())
    assert [e.resource_id for e in events] == ["vol-1"]
    [request] = served.requests
    assert request["EndTime"] == END.timestamp()
    assert request["StartTime"] == (END - timedelta(minutes=90)).timestamp()


def test_lookback_comes_from_the_event_then_the_environment() -> None:
    assert lookback_from({}, {}) == DEFAULT_LOOKBACK
    assert lookback_from({}, {"POLO_LIFECYCLE_LOOKBACK_MINUTES": "30"}) == timedelta(minutes=30)
    assert lookback_from({"lookback_minutes": 1440}, {"POLO_LIFECYCLE_LOOKBACK_MINUTES": "30"}) == (
        timedelta(days=1)
    )


@pytest.mark.parametrize("raw", ["soon", "0", "-5", str(91 * 24 * 60)])
def test_a_bad_lookback_is_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="lookback"):
        lookback_from({}, {"POLO_LIFECYCLE_LOOKBACK_MINUTES": raw})
