"""Lambda entry point `collectors.tags.handler:handler` (settings: docs/collectors.md)."""

from __future__ import annotations

from typing import Any

from collectors.common.runner import handle
from collectors.tags.collector import COLLECTOR, collect


def handler(event: dict[str, Any] | None, context: Any) -> dict[str, Any]:
    return handle(COLLECTOR, collect, event)
