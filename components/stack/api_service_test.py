from __future__ import annotations

from pathlib import Path

import pytest

from stack.api_service import api_service, wrangler_command


def test_embedded_clickhouse_url_is_passed_as_is_with_the_dev_bypass() -> None:
    command = wrangler_command(
        Path("/api/node_modules/.bin/wrangler"), Path("/api"), 8787, 9300, "http://127.0.0.1:8123"
    )
    assert command[:3] == ["/api/node_modules/.bin/wrangler", "dev", "--config"]
    assert command[3] == "/api/wrangler.toml"
    assert ["--port", "8787"] == command[command.index("--port") : command.index("--port") + 2]
    assert "CLICKHOUSE_URL:http://127.0.0.1:8123" in command
    assert "POLO_AUTH_DEV_BYPASS:1" in command
    assert not any(part.startswith("CLICKHOUSE_USER") for part in command)


def test_credentials_in_the_url_become_worker_vars() -> None:
    command = wrangler_command(
        Path("w"), Path("/api"), 8787, 9300, "http://polo:secret@127.0.0.1:8123"
    )
    assert "CLICKHOUSE_URL:http://127.0.0.1:8123" in command
    assert "CLICKHOUSE_USER:polo" in command
    assert "CLICKHOUSE_PASSWORD:secret" in command


def test_missing_node_explains_how_to_start_without_the_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "package-lock.json").write_text("{}")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match=r"`npm` is not on PATH.*polo-up --no-api"):
        api_service("http://127.0.0.1:8123", 8787, api_dir=tmp_path)
