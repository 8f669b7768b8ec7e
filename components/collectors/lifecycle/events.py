"""The `lifecycle_events` row: one CloudTrail event as it touched one resource."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from collectors.common.models import AccountId, Region, UtcDatetime

Action = Literal["create", "terminate", "modify", "attach", "detach", "tag", "untag"]
ACTIONS: tuple[str, ...] = get_args(Action)

NonEmpty = Annotated[str, Field(min_length=1)]


class LifecycleEvent(BaseModel):
    """A `lifecycle_events` row; field names are the table's columns (docs/data-model.md)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    event_id: NonEmpty
    event_time: UtcDatetime
    ingested_at: UtcDatetime
    account_id: AccountId
    region: Region
    event_source: NonEmpty
    event_name: NonEmpty
    action: Action
    resource_type: NonEmpty
    resource_id: NonEmpty
    actor_arn: str = ""
    actor_type: str = ""
    source_ip: str = ""
    user_agent: str = ""
    request_id: str = ""

    def to_row(self) -> dict[str, Any]:
        return self.model_dump()

    @classmethod
    def column_names(cls) -> list[str]:
        return list(cls.model_fields)
