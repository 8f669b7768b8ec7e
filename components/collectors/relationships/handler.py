"""Lambda entry point `collectors.relationships.handler:handler` (settings: docs/collectors.md)."""

from __future__ import annotations

from typing import Any

from collectors.common.runner import handle
from collectors.relationships.collector import COLLECTOR, collect, persist


def handler(event: dict[str, Any] | None, context: Any) -> dict[str, Any]:
    return handle(COLLECTOR, collect, event, persist=persist)
