"""What one service of the local stack is: the model every service module returns.

Its own module so that the service modules (`clickhouse_service`, `api_service`, `ui_service`)
and the orchestrator (`stack.stack`) that starts them import it without importing each other.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Service(BaseModel):
    """One process of the stack. `command=None` means another tool (Docker) runs it."""

    model_config = ConfigDict(frozen=True)

    name: str
    command: list[str] | None
    port: int
    health_url: str
    url: str
    env: dict[str, str] = Field(default_factory=dict)
    startup_timeout_s: float = 60.0
    description: str = ""
