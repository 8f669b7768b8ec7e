from __future__ import annotations

import pytest

from collectors.focus_export.collector import FocusSettingsError
from collectors.focus_export.handler import handler


def test_a_bad_deployment_fails_with_its_cause_before_connecting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("POLO_FOCUS_BUCKET", raising=False)
    monkeypatch.setenv("POLO_FOCUS_EXPORT_NAME", "polo")
    monkeypatch.setenv("POLO_CLICKHOUSE_URL", "http://127.0.0.1:1")
    with pytest.raises(FocusSettingsError, match="bucket"):
        handler({}, None)
