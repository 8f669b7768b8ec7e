"""The Lambda handler end to end into embedded ClickHouse; re-running adds no duplicates."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from clickhouse_connect.driver.client import Client

from collectors.config_network.handler import handler
from schema.migrate import apply_migrations
from testing.moto_fleet import ACCOUNTS, Fleet, build_fleet, moto_aws

REGION = "us-east-1"
SCHEDULED = {"time": "2026-11-02T10:00:00Z"}


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


def test_network_resources_land_once(fleet: Fleet, ch_client: Client) -> None:
    first = handler(SCHEDULED, None)
    second = handler(SCHEDULED, None)
    assert first["rows_written"] == second["rows_written"] > 0
    counts = dict(
        ch_client.query(
            "SELECT resource_type, count() FROM resource_events FINAL "
            "WHERE account_id = {a:String} GROUP BY resource_type",
            parameters={"a": ACCOUNTS[1]},
        ).result_rows
    )
    built = fleet[(ACCOUNTS[1], REGION)]
    assert counts["ec2:natgateway"] == 1
    assert counts["ec2:elastic-ip"] == 3
    assert counts["elasticloadbalancing:loadbalancer"] == 2
    assert counts["ec2:network-interface"] == len(built.instance_ids) + 1  # + the NAT's ENI
    owner = ch_client.query(
        "SELECT marqo_customer, marqo_cluster, owner_rule FROM resource_events FINAL "
        "WHERE resource_id = {arn:String}",
        parameters={"arn": built.alb_arn},
    ).result_rows
    assert owner == [("acme", "search-prod", "tag:Customer")]
    assert ch_client.command("SELECT count() FROM resource_events") == 2 * first["rows_written"]
