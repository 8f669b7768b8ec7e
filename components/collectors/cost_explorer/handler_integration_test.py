from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import boto3
from moto import mock_aws

from clickhouse.client import PoloClickHouse
from collectors.cost_explorer.conftest import (
    PAYER_ACCOUNT,
    ce_day,
    ce_group,
    ce_page,
    queue_ce_results,
)
from collectors.cost_explorer.handler import handle
from schema.migrate import apply_migrations

A1 = "111111111111"


def test_handle_runs_one_collection_and_summarises_it(ch_client: Any) -> None:
    db = PoloClickHouse(ch_client)
    apply_migrations(db)
    env = {"POLO_CE_BACKFILL_DAYS": "1", "POLO_CE_RESOURCE_SERVICES": ""}
    with mock_aws():
        queue_ce_results(
            [
                ce_page(ce_day("2024-05-09", [ce_group(A1, "AWS Lambda")])),
                ce_page(
                    ce_day(
                        "2024-05-09",
                        [ce_group(A1, "USE1-Lambda-GB-Second", billed="0.000016667", quantity="1")],
                    )
                ),
            ]
        )
        summary = handle(
            env,
            db,
            base_session=boto3.Session(region_name="us-east-1"),
            clock=lambda: datetime(2024, 5, 10, 1, tzinfo=UTC),
        )
    assert summary == {
        "collector": "cost_explorer",
        "account_id": PAYER_ACCOUNT,
        "rows_written": 1,
        "api_calls": 2,
        "days_collected": 1,
        "window_start": "2024-05-09",
        "window_end": "2024-05-10",
        "resource_level": False,
    }
    rows = db.query("t", "SELECT usage_type, billed_cost FROM cost_daily FINAL").result_rows
    assert [(u, str(c)) for u, c in rows] == [("USE1-Lambda-GB-Second", "0.000017")]
