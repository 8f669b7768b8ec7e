"""`collector_run` writing real `collector_runs` rows through `PoloClickHouse`."""

from __future__ import annotations

import pytest
from clickhouse_connect.driver.client import Client

from clickhouse.client import PoloClickHouse
from collectors.common.collector_run import collector_run
from schema.migrate import apply_migrations


def test_ok_and_error_runs_land_in_collector_runs(ch_client: Client) -> None:
    apply_migrations(ch_client)
    db = PoloClickHouse(ch_client)
    with collector_run(db, "config_ec2", "123456789012", "eu-west-1") as run:
        run.rows_written, run.api_calls = 1234, 7
    with (
        pytest.raises(PermissionError),
        collector_run(db, "config_ec2", "210987654321", "eu-west-1"),
    ):
        raise PermissionError("AccessDenied: not authorized to perform sts:AssumeRole")
    rows = ch_client.query(
        "SELECT account_id, status, rows_written, api_calls, error, "
        "finished_at >= started_at AS ordered FROM collector_runs FINAL ORDER BY account_id"
    ).result_rows
    assert rows == [
        ("123456789012", "ok", 1234, 7, "", 1),
        (
            "210987654321",
            "error",
            0,
            0,
            "PermissionError: AccessDenied: not authorized to perform sts:AssumeRole",
            1,
        ),
    ]
    latest = ch_client.command(
        "SELECT run_id FROM collector_runs WHERE account_id = '123456789012'"
    )
    assert latest == run.run_id
