from __future__ import annotations

from datetime import UTC, datetime

import pytest

from collectors.lifecycle.conftest import ACCOUNT, ct_record, eventbridge
from collectors.lifecycle.handler import events_from_eventbridge, handler, is_cloudtrail_event
from collectors.lifecycle.mapping import CloudTrailRecordError, map_record

NOW = datetime(2024, 3, 1, 12, 0, 2, tzinfo=UTC)


def test_realtime_events_use_the_same_mapping_as_the_lookup() -> None:
    record = ct_record("AttachVolume", request={"volumeId": "vol-9", "instanceId": "i-1"})
    from_eventbridge = events_from_eventbridge(eventbridge(record), ingested_at=NOW)
    assert from_eventbridge == map_record(record, ingested_at=NOW)
    assert [(e.action, e.resource_id, e.account_id) for e in from_eventbridge] == [
        ("attach", "vol-9", ACCOUNT)
    ]


def test_the_envelope_account_fills_in_a_record_without_one() -> None:
    record = ct_record("DeleteVolume", request={"volumeId": "vol-9"})
    del record["recipientAccountId"]
    record["userIdentity"] = {"type": "AWSService", "invokedBy": "ec2.amazonaws.com"}
    [event] = events_from_eventbridge(eventbridge(record), ingested_at=NOW)
    assert event.account_id == ACCOUNT


def test_only_cloudtrail_api_calls_take_the_realtime_path() -> None:
    assert is_cloudtrail_event(eventbridge(ct_record("DeleteVolume", request={})))
    assert not is_cloudtrail_event({"detail-type": "Scheduled Event", "detail": {}})


def test_an_envelope_without_a_record_is_refused() -> None:
    with pytest.raises(CloudTrailRecordError, match="no CloudTrail record"):
        events_from_eventbridge(
            {"detail-type": "AWS API Call via CloudTrail", "id": "x"}, ingested_at=NOW
        )


def test_a_scheduled_run_with_a_bad_lookback_fails_before_any_work(monkeypatch) -> None:
    monkeypatch.setenv("POLO_LIFECYCLE_LOOKBACK_MINUTES", "lots")
    with pytest.raises(ValueError, match="lookback"):
        handler({"detail-type": "Scheduled Event"}, None)
