"""The Lambda handler end to end into embedded ClickHouse; re-running adds no duplicates."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from clickhouse_connect.driver.client import Client

from collectors.tags.handler import handler
from schema.migrate import apply_migrations
from testing.moto_fleet import ACCOUNTS, Fleet, build_fleet, moto_aws

REGION = "eu-west-1"
SCHEDULED = {"time": "2026-11-02T10:00:00Z"}


@pytest.fixture
def fleet(ch_client: Client, ch_database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Fleet]:
    apply_migrations(ch_client)
    url = os.environ.get("POLO_CLICKHOUSE_URL") or f"chdb://{ch_client.path}"
    with moto_aws():
        monkeypatch.setenv("POLO_TARGET_ACCOUNTS", ACCOUNTS[0])
        monkeypatch.setenv("POLO_REGIONS", REGION)
        monkeypatch.setenv("POLO_CLICKHOUSE_URL", url)
        monkeypatch.setenv("POLO_CLICKHOUSE_DATABASE", ch_database)
        yield build_fleet(accounts=ACCOUNTS[:1], regions=(REGION,))


def test_tagged_events_land_once(fleet: Fleet, ch_client: Client) -> None:
    handler(SCHEDULED, None)
    handler(SCHEDULED, None)
    rows = dict(
        ch_client.query(
            "SELECT resource_id, marqo_customer FROM resource_events FINAL "
            "WHERE event_type = 'tagged' AND source = 'tags'"
        ).result_rows
    )
    built = fleet[(ACCOUNTS[0], REGION)]
    assert rows[built.instances["acme_api_2"]] == "acme"
    assert rows[built.instances["initech_stopped"]] == "initech"
    assert rows[built.snapshot_id] == "acme"
    assert built.instances["untagged"] not in rows
    assert ch_client.command("SELECT count() FROM resource_events") == 2 * len(rows)
