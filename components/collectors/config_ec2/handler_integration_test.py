"""The Lambda handler end to end: env configuration → moto (two accounts) → embedded
ClickHouse; a second invocation for the same scheduled moment adds no rows."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from clickhouse_connect.driver.client import Client

from collectors.config_ec2.handler import handler
from schema.migrate import apply_migrations
from testing.moto_fleet import ACCOUNTS, Fleet, build_fleet, moto_aws

REGION = "eu-west-1"
SCHEDULED = {"source": "aws.events", "time": "2026-11-02T10:00:00Z"}


@pytest.fixture
def fleet(ch_client: Client, ch_database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Fleet]:
    apply_migrations(ch_client)
    url = os.environ.get("POLO_CLICKHOUSE_URL") or f"chdb://{ch_client.path}"
    with moto_aws():
        monkeypatch.setenv("POLO_TARGET_ACCOUNTS", ",".join(ACCOUNTS))
        monkeypatch.setenv("POLO_REGIONS", REGION)
        monkeypatch.setenv("POLO_CLICKHOUSE_URL", url)
        monkeypatch.setenv("POLO_CLICKHOUSE_DATABASE", ch_database)
        yield build_fleet(regions=(REGION,))


def test_handler_writes_events_and_runs_once_per_moment(fleet: Fleet, ch_client: Client) -> None:
    first = handler(SCHEDULED, None)
    assert (first["runs"], first["ok"], first["rows_written"], first["errors"]) == (2, 2, 10, [])
    assert first["observed_at"] == "2026-11-02T10:00:00+00:00"
    second = handler(SCHEDULED, None)
    assert second["rows_written"] == 10

    rows = ch_client.query(
        "SELECT account_id, resource_id, state, marqo_customer, owner_rule, tags, event_time "
        "FROM resource_events FINAL ORDER BY account_id, resource_id"
    ).named_results()
    rows = list(rows)
    expected = sorted(
        (account, instance)
        for (account, _), built in fleet.regions.items()
        for instance in built.instance_ids
    )
    assert [(r["account_id"], r["resource_id"]) for r in rows] == expected
    worker = fleet[(ACCOUNTS[0], REGION)].instances["globex_worker"]
    row = next(r for r in rows if r["resource_id"] == worker)
    assert (row["marqo_customer"], row["owner_rule"]) == ("globex", "tag:customer-id")
    assert row["tags"]["customer-id"] == " Globex "
    assert {r["event_time"].isoformat()[:19] for r in rows} == {"2026-11-02T10:00:00"}

    runs = ch_client.query(
        "SELECT account_id, status, rows_written, api_calls FROM collector_runs FINAL "
        "WHERE collector = 'config_ec2'"
    ).result_rows
    assert len(runs) == 4  # two invocations x two accounts, each run its own row
    assert all(status == "ok" and written == 5 and calls >= 1 for _, status, written, calls in runs)


def test_empty_event_observes_now_floored_to_the_hour(fleet: Fleet, ch_client: Client) -> None:
    summary = handler({}, None)
    observed = datetime.fromisoformat(summary["observed_at"])
    now = datetime.now(UTC)
    assert observed.minute == observed.second == 0
    assert timedelta(0) <= now - observed < timedelta(hours=1, minutes=1)
    assert summary["rows_written"] == 10
    # A retry of that invocation names its moment and adds nothing.
    handler({"observed_at": summary["observed_at"]}, None)
    assert ch_client.command("SELECT count() FROM resource_events FINAL") == 10
