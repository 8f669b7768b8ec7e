"""Relationships end to end into embedded ClickHouse: edges open at their first sighting, stay
put while seen, close when they vanish, and a re-run for the same moment writes nothing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from clickhouse_connect.driver.client import Client

from collectors.relationships.handler import handler
from schema.migrate import apply_migrations
from testing.moto_fleet import ACCOUNTS, Fleet, account_session, build_fleet, moto_aws

REGION = "us-east-1"
T1, T2 = "2026-11-02T10:00:00Z", "2026-11-02T11:00:00Z"
OPEN = datetime(2299, 12, 31, tzinfo=UTC)


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


def edges(ch_client: Client, source_id: str) -> list[tuple[str, datetime, datetime]]:
    rows = ch_client.query(
        "SELECT target_id, valid_from, valid_to FROM resource_relationships FINAL "
        "WHERE source_id = {s:String} AND relationship_type = 'attached_to' ORDER BY valid_from",
        parameters={"s": source_id},
    ).result_rows
    return [(t, f.replace(tzinfo=UTC), u.replace(tzinfo=UTC)) for t, f, u in rows]


def test_edges_open_persist_and_close(fleet: Fleet, ch_client: Client) -> None:
    built = fleet[(ACCOUNTS[0], REGION)]
    worker = built.instances["globex_worker"]
    first = handler({"time": T1}, None)
    assert first["rows_written"] > 20
    assert handler({"time": T1}, None)["rows_written"] == 0  # same moment: nothing new
    t1 = datetime(2026, 11, 2, 10, tzinfo=UTC)
    t2 = datetime(2026, 11, 2, 11, tzinfo=UTC)
    assert edges(ch_client, built.data_volume_id) == [(worker, t1, OPEN)]

    # Move the data volume to another instance, then observe again an hour later.
    ec2 = account_session(ACCOUNTS[0], REGION).client("ec2")
    ec2.detach_volume(VolumeId=built.data_volume_id, InstanceId=worker, Device="/dev/sdf")
    ec2.attach_volume(
        VolumeId=built.data_volume_id, InstanceId=built.instances["untagged"], Device="/dev/sdg"
    )
    second = handler({"time": T2}, None)
    assert second["rows_written"] == 2  # one edge closed, one opened
    assert edges(ch_client, built.data_volume_id) == [
        (worker, t1, t2),
        (built.instances["untagged"], t2, OPEN),
    ]
    unchanged = built.root_volumes[worker]
    # Still open, and still from its first sighting.
    assert edges(ch_client, unchanged) == [(worker, t1, OPEN)]
    open_edges = ch_client.command(
        "SELECT count() FROM resource_relationships FINAL "
        "WHERE valid_to = {o:DateTime64(3, 'UTC')}",
        parameters={"o": OPEN},
    )
    assert open_edges == first["rows_written"]
