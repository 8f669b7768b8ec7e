from __future__ import annotations

import pytest
from pydantic import ValidationError

from stack.service import Service


def test_a_service_is_frozen_and_has_no_extra_environment_by_default() -> None:
    service = Service(name="api", command=["wrangler", "dev"], port=8787, health_url="h", url="u")
    assert service.env == {}
    assert service.startup_timeout_s == 60.0
    with pytest.raises(ValidationError):
        service.port = 1  # type: ignore[misc]
