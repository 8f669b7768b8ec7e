from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from clickhouse.client import PoloClickHouse
from collectors.lifecycle.conftest import ct_record, eventbridge
from collectors.lifecycle.handler import handle_realtime
from collectors.lifecycle.mapping import CloudTrailRecordError
from schema.migrate import apply_migrations

NOW = datetime(2024, 3, 1, 12, 0, 3, tzinfo=UTC)


@pytest.fixture
def db(ch_client: Any) -> PoloClickHouse:
    polo = PoloClickHouse(ch_client)
    apply_migrations(polo)
    return polo


def rows(db: PoloClickHouse) -> list[tuple[Any, ...]]:
    return db.query(
        "test.rows",
        "SELECT event_id, action, resource_id, actor_arn FROM lifecycle_events FINAL"
        " ORDER BY resource_id",
    ).result_rows


def test_a_realtime_event_is_written_at_once(db) -> None:
    record = ct_record(
        "RunInstances",
        event_id="rt-1",
        response={"instancesSet": {"items": [{"instanceId": "i-1"}, {"instanceId": "i-2"}]}},
    )
    summary = handle_realtime(eventbridge(record), db, now=lambda: NOW)
    assert summary["rows_written"] == 2
    assert [r[:3] for r in rows(db)] == [("rt-1", "create", "i-1"), ("rt-1", "create", "i-2")]
    # EventBridge delivers at least once: a redelivery adds no logical row.
    handle_realtime(eventbridge(record), db, now=lambda: NOW)
    assert len(rows(db)) == 2


def test_an_unmapped_call_writes_nothing(db) -> None:
    summary = handle_realtime(
        eventbridge(ct_record("CreateSecurityGroup", request={})), db, now=lambda: NOW
    )
    assert summary["rows_written"] == 0
    assert rows(db) == []


def test_a_malformed_event_raises_so_eventbridge_retries_it(db) -> None:
    bad = eventbridge(ct_record("DeleteVolume", request={}))
    with pytest.raises(CloudTrailRecordError, match="no resource id"):
        handle_realtime(bad, db, now=lambda: NOW)
    assert rows(db) == []
