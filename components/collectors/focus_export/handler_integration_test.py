"""The Lambda's `handle` against moto's S3 and STS servers: every month of the export found and
loaded, a broken month reported in collector_runs without stopping the others, a re-run a
no-op, and the months final by the settings replacing Cost Explorer's cost."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import boto3
import pytest

from clickhouse.client import PoloClickHouse
from collectors.focus_export.conftest import BUCKET, EXPORT, KEY, PREFIX, deliver, line_items
from collectors.focus_export.conftest import parquet as focus_parquet
from collectors.focus_export.handler import handle

NOW = datetime(2026, 12, 9, 6, 0, tzinfo=UTC)


@pytest.fixture
def env(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    # boto3 sends every service (S3 listing, STS) to moto's server through this one setting.
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    return {
        "POLO_FOCUS_BUCKET": BUCKET,
        "POLO_FOCUS_PREFIX": PREFIX,
        "POLO_FOCUS_EXPORT_NAME": EXPORT,
        "POLO_FOCUS_S3_ENDPOINT": s3_endpoint,
        "POLO_FOCUS_MONTHS": "3",
    }


def session() -> boto3.Session:
    return boto3.Session(aws_access_key_id=KEY, aws_secret_access_key=KEY, region_name="us-east-1")


def test_every_month_is_loaded_a_broken_one_is_reported_and_a_rerun_is_a_no_op(
    db: PoloClickHouse, s3: Any, env: dict[str, str]
) -> None:
    sep, oct_, nov, dec = (date(2026, m, 1) for m in (9, 10, 11, 12))
    deliver(s3, sep, [focus_parquet(line_items(sep, 100, seed=1), sep)])  # older than 3 months
    deliver(s3, oct_, [focus_parquet(line_items(oct_, 400, seed=2), oct_)])
    deliver(s3, nov, [focus_parquet(line_items(nov, 300, seed=3), nov)])
    deliver(s3, dec, [b"not parquet"])

    summary = handle(env, db, session=session(), clock=lambda: NOW)

    loads = {load["period"]: load for load in summary["loads"]}
    assert set(loads) == {"2026-10-01", "2026-11-01"}
    # November ended 8 days before NOW, past the default 5 final days; October long before.
    assert loads["2026-10-01"]["is_final"] and loads["2026-11-01"]["is_final"]
    assert loads["2026-10-01"]["line_items"] == 400
    assert len(summary["errors"]) == 1 and summary["errors"][0].startswith("2026-12: ")
    status, error, rows = db.query(
        "test.run",
        "SELECT status, error, rows_written FROM collector_runs WHERE collector = 'focus_export'",
    ).result_rows[0]
    assert (status, rows) == ("error", 700)
    assert "2026-12" in error and "cannot be read as Parquet" in error

    again = handle(env, db, session=session(), clock=lambda: NOW)

    assert [load["status"] for load in again["loads"]] == ["unchanged", "unchanged"]
    counts = db.query(
        "test.counts",
        "SELECT billing_period, count() FROM cost_focus_line_items GROUP BY billing_period "
        "ORDER BY billing_period",
    ).result_rows
    assert counts == [(oct_, 400), (nov, 300)]


def test_an_open_month_becomes_final_on_a_later_run(
    db: PoloClickHouse, s3: Any, env: dict[str, str]
) -> None:
    nov = date(2026, 11, 1)
    deliver(s3, nov, [focus_parquet(line_items(nov, 200, seed=4), nov)])
    early = datetime(2026, 12, 2, tzinfo=UTC)

    first = handle(env, db, session=session(), clock=lambda: early)
    later = handle(env, db, session=session(), clock=lambda: NOW)

    assert [(load["status"], load["is_final"]) for load in first["loads"]] == [("loaded", False)]
    assert [(load["status"], load["is_final"]) for load in later["loads"]] == [("loaded", True)]
    days = db.query(
        "test.cost_days",
        "SELECT uniqExact(charge_period_start) FROM cost_daily WHERE is_provisional = 0",
    ).result_rows[0][0]
    assert days == 30
