"""Lambda entry point `collectors.config_network.handler:handler` (settings: docs/collectors.md)."""

from __future__ import annotations

from typing import Any

from collectors.common.runner import handle
from collectors.config_network.collector import COLLECTOR, collect


def handler(event: dict[str, Any] | None, context: Any) -> dict[str, Any]:
    return handle(COLLECTOR, collect, event)
