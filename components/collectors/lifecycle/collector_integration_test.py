"""Lifecycle collector → embedded ClickHouse: rows, overlapping windows collapse under FINAL,
throttling loses nothing, and a scheduled fan-out through the common runner records its runs."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore import handlers as botocore_handlers
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from clickhouse.client import PoloClickHouse
from collectors.common.config import load_config
from collectors.common.runner import run_collection
from collectors.cost_explorer.conftest import serve_operation
from collectors.lifecycle.collector import (
    COLLECTOR_NAME,
    collect_window,
    insert_lifecycle_events,
    lifecycle_collect_fn,
)
from collectors.lifecycle.conftest import ACCOUNT, ct_record, lookup_page
from collectors.lifecycle.rate_limit import TokenBucket
from schema.migrate import apply_migrations

START = datetime(2024, 3, 1, 10, tzinfo=UTC)
END = datetime(2024, 3, 1, 12, tzinfo=UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def db(ch_client: Any) -> PoloClickHouse:
    polo = PoloClickHouse(ch_client)
    apply_migrations(polo)
    return polo


def story() -> list[dict[str, Any]]:
    """A volume's life: created, tagged, attached, detached, deleted (newest first, as
    CloudTrail returns them)."""
    return [
        lookup_page(
            ct_record(
                "DeleteVolume",
                request={"volumeId": "vol-1"},
                event_id="e5",
                at="2024-03-01T11:50:00Z",
            ),
            ct_record(
                "DetachVolume",
                request={"volumeId": "vol-1"},
                event_id="e4",
                at="2024-03-01T11:40:00Z",
            ),
            token="t2",
        ),
        lookup_page(
            ct_record(
                "AttachVolume",
                request={"volumeId": "vol-1", "instanceId": "i-1"},
                event_id="e3",
                at="2024-03-01T10:30:00Z",
            ),
            ct_record(
                "CreateTags",
                request={"resourcesSet": {"items": [{"resourceId": "vol-1"}]}},
                event_id="e2",
                at="2024-03-01T10:20:00Z",
            ),
            ct_record(
                "CreateVolume",
                request={"size": 8},
                response={"volumeId": "vol-1"},
                event_id="e1",
                at="2024-03-01T10:10:00Z",
            ),
        ),
    ]


def collect_into(db: PoloClickHouse, client: Any, now: datetime) -> int:
    clock = FakeClock()
    batch = collect_window(
        client,
        ACCOUNT,
        START,
        END,
        limiter=TokenBucket(clock=clock, sleep=clock.sleep),
        sleep=clock.sleep,
        now=lambda: now,
    )
    return insert_lifecycle_events(db, batch.events)


def timeline(db: PoloClickHouse) -> list[tuple[Any, ...]]:
    return db.query(
        "test.timeline",
        "SELECT event_id, action, resource_type, resource_id, actor_type, request_id"
        " FROM lifecycle_events FINAL WHERE resource_id = 'vol-1' ORDER BY event_time",
    ).result_rows


def test_a_window_lands_as_the_resource_s_timeline(db, cloudtrail) -> None:
    serve_operation(cloudtrail, "LookupEvents", story(), service="cloudtrail")
    assert collect_into(db, cloudtrail, END) == 5
    assert timeline(db) == [
        ("e1", "create", "ec2:volume", "vol-1", "AssumedRole", "req-e1"),
        ("e2", "tag", "ec2:volume", "vol-1", "AssumedRole", "req-e2"),
        ("e3", "attach", "ec2:volume", "vol-1", "AssumedRole", "req-e3"),
        ("e4", "detach", "ec2:volume", "vol-1", "AssumedRole", "req-e4"),
        ("e5", "terminate", "ec2:volume", "vol-1", "AssumedRole", "req-e5"),
    ]


def test_overlapping_windows_and_throttling_neither_duplicate_nor_lose_events(
    db, cloudtrail
) -> None:
    first, second = story()
    serve_operation(
        cloudtrail,
        "LookupEvents",
        [first, second, first, "ThrottlingException", second],
        service="cloudtrail",
    )
    collect_into(db, cloudtrail, END)
    collect_into(db, cloudtrail, END + timedelta(hours=1))
    assert [row[0] for row in timeline(db)] == ["e1", "e2", "e3", "e4", "e5"]
    counts = db.query(
        "test.counts", "SELECT count(), uniqExact(event_id) FROM lifecycle_events"
    ).result_rows
    assert counts == [(10, 5)]  # two raw copies each, one per key once merged (FINAL)


@contextmanager
def lookup_events_for_every_session(pages: Mapping[str, dict[str, Any]]) -> Iterator[list[str]]:
    """Answer LookupEvents in sessions created later (the runner builds its own, from assumed
    role credentials), one page per region. Registered last, so the runner's call counter sees
    each request first; moto has no LookupEvents to fall back to."""
    regions: list[str] = []

    def answer(
        model: Any, params: Mapping[str, Any], **_: Any
    ) -> tuple[AWSResponse, dict[str, Any]] | None:
        if model.service_model.service_name != "cloudtrail" or model.name != "LookupEvents":
            return None
        region = params["url"].split("cloudtrail.", 1)[1].split(".", 1)[0]
        regions.append(region)
        page = json.loads(json.dumps(pages[region], default=str))
        return AWSResponse(None, 200, {}, None), {
            **page,
            "ResponseMetadata": {"HTTPStatusCode": 200},
        }

    # On the generic event: botocore calls more specific event names first, which would put
    # this answer ahead of the runner's `before-call` counter.
    entry = ("before-call", answer, botocore_handlers.REGISTER_LAST)
    botocore_handlers.BUILTIN_HANDLERS.append(entry)
    try:
        yield regions
    finally:
        botocore_handlers.BUILTIN_HANDLERS.remove(entry)


def test_a_scheduled_fan_out_writes_events_and_one_run_row_per_region(db) -> None:
    pages = {
        "us-east-1": lookup_page(ct_record("DeleteVolume", request={"volumeId": "vol-1"})),
        "eu-west-1": lookup_page(
            {
                **ct_record(
                    "ReleaseAddress", request={"allocationId": "eipalloc-1"}, event_id="e9"
                ),
                "awsRegion": "eu-west-1",
            }
        ),
    }
    config = load_config({"POLO_TARGET_ACCOUNTS": ACCOUNT, "POLO_REGIONS": "us-east-1,eu-west-1"})
    with mock_aws(), lookup_events_for_every_session(pages) as regions:
        runs = run_collection(
            COLLECTOR_NAME,
            lifecycle_collect_fn(),
            db,
            config,
            observed_at=END,
            persist=insert_lifecycle_events,
        )
    assert sorted(regions) == ["eu-west-1", "us-east-1"]
    assert sorted((r.region, r.status, r.rows_written, r.api_calls) for r in runs) == [
        ("eu-west-1", "ok", 1, 1),
        ("us-east-1", "ok", 1, 1),
    ]
    stored = db.query(
        "test.stored",
        "SELECT region, action, resource_type, resource_id FROM lifecycle_events FINAL"
        " ORDER BY region",
    ).result_rows
    assert stored == [
        ("eu-west-1", "terminate", "ec2:elastic-ip", "eipalloc-1"),
        ("us-east-1", "terminate", "ec2:volume", "vol-1"),
    ]
    recorded = db.query(
        "test.runs", "SELECT count() FROM collector_runs FINAL WHERE collector = 'lifecycle'"
    ).result_rows
    assert recorded == [(2,)]
