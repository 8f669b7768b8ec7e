"""The Lambda handler end to end into embedded ClickHouse; re-running adds no duplicates."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from clickhouse_connect.driver.client import Client

from collectors.config_ebs.handler import handler
from schema.migrate import apply_migrations
from testing.moto_fleet import ACCOUNTS, REGIONS, Fleet, build_fleet, moto_aws

SCHEDULED = {"time": "2026-11-02T10:00:00Z"}


@pytest.fixture
def fleet(ch_client: Client, ch_database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Fleet]:
    apply_migrations(ch_client)
    url = os.environ.get("POLO_CLICKHOUSE_URL") or f"chdb://{ch_client.path}"
    with moto_aws():
        monkeypatch.setenv("POLO_TARGET_ACCOUNTS", ACCOUNTS[0])
        monkeypatch.setenv("POLO_REGIONS", ",".join(REGIONS))
        monkeypatch.setenv("POLO_CLICKHOUSE_URL", url)
        monkeypatch.setenv("POLO_CLICKHOUSE_DATABASE", ch_database)
        yield build_fleet(accounts=ACCOUNTS[:1])


def test_volumes_and_snapshots_land_once(fleet: Fleet, ch_client: Client) -> None:
    for _ in range(2):
        summary = handler(SCHEDULED, None)
        assert (summary["runs"], summary["ok"]) == (2, 2)
    rows = list(
        ch_client.query(
            "SELECT region, resource_type, resource_id, state, marqo_customer, attributes "
            "FROM resource_events FINAL WHERE source = 'config_ebs'"
        ).named_results()
    )
    for region in REGIONS:
        built = fleet[(ACCOUNTS[0], region)]
        here = {r["resource_id"]: r for r in rows if r["region"] == region}
        assert set(here) == {*built.volume_ids, built.snapshot_id}
        assert (
            here[built.data_volume_id]["attributes"]["attached_instance_ids"]
            == (built.instances["globex_worker"])
        )
        assert here[built.detached_tagged_volume_id]["state"] == "available"
        assert here[built.snapshot_id]["resource_type"] == "ec2:snapshot"
    total = ch_client.command("SELECT count() FROM resource_events")
    assert total == 2 * len(rows)  # both invocations stored, FINAL collapses them
