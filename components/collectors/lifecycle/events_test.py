from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from collectors.lifecycle.events import ACTIONS, LifecycleEvent

AT = datetime(2024, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
# docs/data-model.md, `lifecycle_events` columns, in order.
COLUMNS = [
    "event_id",
    "event_time",
    "ingested_at",
    "account_id",
    "region",
    "event_source",
    "event_name",
    "action",
    "resource_type",
    "resource_id",
    "actor_arn",
    "actor_type",
    "source_ip",
    "user_agent",
    "request_id",
]


def event(**changes: Any) -> LifecycleEvent:
    fields: dict[str, Any] = {
        "event_id": "e1",
        "event_time": AT,
        "ingested_at": AT,
        "account_id": "111111111111",
        "region": "us-east-1",
        "event_source": "ec2.amazonaws.com",
        "event_name": "RunInstances",
        "action": "create",
        "resource_type": "ec2:instance",
        "resource_id": "i-1",
    }
    return LifecycleEvent(**{**fields, **changes})


def test_columns_are_the_data_model_s() -> None:
    assert LifecycleEvent.column_names() == COLUMNS
    assert list(event().to_row()) == COLUMNS


def test_actions_are_the_contract_vocabulary() -> None:
    assert ACTIONS == ("create", "terminate", "modify", "attach", "detach", "tag", "untag")


def test_times_are_utc_at_millisecond_precision() -> None:
    assert event().event_time.microsecond == 123000


@pytest.mark.parametrize(
    "changes",
    [
        {"action": "stop"},
        {"account_id": "1234"},
        {"region": "moon-1"},
        {"resource_id": ""},
        {"event_time": datetime(2024, 3, 1)},
    ],
)
def test_invalid_rows_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        event(**changes)
