from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from collectors.common.models import (
    OPEN_VALID_TO,
    CollectorRun,
    ResourceEvent,
    ResourceRelationship,
)

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

# Column lists of docs/data-model.md: the models must match them name for name.
RESOURCE_EVENTS_COLUMNS = [
    "event_time", "ingested_at", "event_type", "account_id", "region", "resource_type",
    "resource_id", "arn", "state", "tags", "marqo_customer", "marqo_cluster", "marqo_role",
    "marqo_environment", "owner_rule", "attributes", "source", "collector_run_id",
]  # fmt: skip
RELATIONSHIP_COLUMNS = [
    "account_id", "region", "relationship_type", "source_id", "source_type", "target_id",
    "target_type", "valid_from", "valid_to", "ingested_at",
]  # fmt: skip
COLLECTOR_RUNS_COLUMNS = [
    "run_id", "collector", "account_id", "region", "started_at", "finished_at", "rows_written",
    "api_calls", "status", "error",
]  # fmt: skip


def event(**overrides: Any) -> ResourceEvent:
    fields: dict[str, Any] = {
        "event_time": T0,
        "ingested_at": T0,
        "event_type": "observed",
        "account_id": "123456789012",
        "region": "us-east-1",
        "resource_type": "ec2:instance",
        "resource_id": "i-1",
        "arn": "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
        "source": "config_ec2",
    }
    fields.update(overrides)
    return ResourceEvent(**fields)


def test_field_names_are_the_data_model_columns() -> None:
    assert ResourceEvent.column_names() == RESOURCE_EVENTS_COLUMNS
    assert ResourceRelationship.column_names() == RELATIONSHIP_COLUMNS
    assert CollectorRun.column_names() == COLLECTOR_RUNS_COLUMNS
    assert list(event().to_row()) == RESOURCE_EVENTS_COLUMNS


def test_defaults_describe_an_unattributed_event() -> None:
    row = event().to_row()
    assert row["tags"] == {} and row["attributes"] == {}
    assert row["marqo_customer"] == "" and row["owner_rule"] == "unattributed"


def test_naive_times_are_rejected() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        event(event_time=datetime(2026, 11, 1, 12, 0))


def test_aware_times_become_utc_milliseconds() -> None:
    paris = timezone(timedelta(hours=1))
    e = event(event_time=datetime(2026, 11, 1, 13, 0, 0, 123456, tzinfo=paris))
    assert e.event_time == datetime(2026, 11, 1, 12, 0, 0, 123000, tzinfo=UTC)
    assert e.event_time.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("account_id", "12345678901", "12 digits"),
        ("account_id", "12345678901a", "12 digits"),
        ("region", "us-east-7", "unknown AWS region"),
        ("arn", "arn:aws:ec2:us-east-1:123:instance/i-1", "not 12 digits"),
        ("event_type", "exploded", "observed"),
        ("resource_id", "", "at least 1 character"),
        ("tags", {"": "x"}, "empty key"),
        ("tags", {"   ": "x"}, "empty key"),
        ("tags", {"k" * 129: "x"}, "key longer than 128"),
        ("tags", {"k": "v" * 257}, "value longer than 256"),
        ("attributes", {"size": 8}, "string"),
        ("state", 3, "string"),
    ],
)
def test_invalid_values_are_rejected(field: str, value: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        event(**{field: value})


def test_limits_are_inclusive_and_unicode_counts_characters() -> None:
    e = event(tags={"k" * 128: "é" * 256, "Schlüssel": "値"})
    assert e.tags["k" * 128] == "é" * 256


def test_unknown_fields_are_rejected() -> None:
    with pytest.raises(ValidationError, match="Extra inputs"):
        event(colour="blue")


def test_relationship_interval_must_be_forward() -> None:
    edge = ResourceRelationship(
        account_id="123456789012",
        region="eu-west-1",
        relationship_type="attached_to",
        source_id="vol-1",
        source_type="ec2:volume",
        target_id="i-1",
        target_type="ec2:instance",
        valid_from=T0,
        ingested_at=T0,
    )
    assert edge.valid_to == OPEN_VALID_TO and edge.is_open
    assert edge.identity == ("123456789012", "vol-1", "attached_to", "i-1")
    with pytest.raises(ValidationError, match="must be after valid_from"):
        ResourceRelationship.model_validate({**edge.model_dump(), "valid_to": T0})
    with pytest.raises(ValidationError, match="relationship_type"):
        ResourceRelationship.model_validate({**edge.model_dump(), "relationship_type": "likes"})


def test_collector_run_error_needs_a_message() -> None:
    run = {
        "run_id": "r1",
        "collector": "config_ec2",
        "account_id": "123456789012",
        "region": "us-east-1",
        "started_at": T0,
        "finished_at": T0 + timedelta(seconds=3),
        "status": "ok",
    }
    assert CollectorRun(**run).rows_written == 0
    with pytest.raises(ValidationError, match="needs an error message"):
        CollectorRun(**{**run, "status": "error"})
    with pytest.raises(ValidationError, match="finished_at is before started_at"):
        CollectorRun(**{**run, "finished_at": T0 - timedelta(seconds=1)})
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        CollectorRun(**{**run, "rows_written": -1})


def test_to_row_equals_model_dump() -> None:
    e = event(tags={"Customer": "acme", "Name": "n"}, attributes={"vpc_id": "vpc-1"})
    assert e.to_row() == e.model_dump()
    assert list(e.to_row()) == list(e.model_dump())


def test_every_bad_tag_is_named_next_to_valid_ones() -> None:
    with pytest.raises(ValidationError) as error:
        event(tags={"ok": "v", "\t": "x", "k" * 129: "y", "fine": "z" * 257})
    message = error.value.errors()[0]["msg"]
    assert "'\\t': empty key" in message
    assert "key longer than 128" in message
    assert "'fine': value longer than 256" in message
    assert "'ok'" not in message
