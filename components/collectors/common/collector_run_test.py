from __future__ import annotations

from typing import Any

import pytest

from collectors.common.collector_run import (
    MAX_ERROR_CHARS,
    RunRecorder,
    collector_run,
    describe_error,
)
from collectors.common.models import CollectorRun


class MemoryWriter:
    """Stands in for ClickHouse in unit tests; the integration test uses the real table."""

    def __init__(self) -> None:
        self.rows: dict[str, list[Any]] = {}

    def insert_rows(self, table: str, rows: list[Any]) -> int:
        self.rows.setdefault(table, []).extend(rows)
        return len(rows)


def test_successful_run_writes_an_ok_row() -> None:
    writer = MemoryWriter()
    with collector_run(writer, "config_ec2", "123456789012", "us-east-1") as run:
        run.rows_written += 42
        run.api_calls += 3
    (row,) = writer.rows["collector_runs"]
    assert isinstance(row, CollectorRun)
    assert (row.status, row.error, row.rows_written, row.api_calls) == ("ok", "", 42, 3)
    assert row.collector == "config_ec2" and row.run_id == run.run_id
    assert row.finished_at >= row.started_at


def test_failed_run_writes_an_error_row_and_reraises() -> None:
    writer = MemoryWriter()
    with (
        pytest.raises(RuntimeError, match="boom"),
        collector_run(writer, "config_ebs", "123456789012", "eu-west-1") as run,
    ):
        run.rows_written = 5
        raise RuntimeError("boom\nsecond line")
    (row,) = writer.rows["collector_runs"]
    assert (row.status, row.error, row.rows_written) == (
        "error",
        "RuntimeError: boom second line",
        5,
    )


def test_suppressed_failure_is_recorded_and_swallowed() -> None:
    writer = MemoryWriter()
    with collector_run(writer, "tags", "123456789012", "eu-west-1", suppress=True):
        raise ValueError("bad")
    assert writer.rows["collector_runs"][0].status == "error"


def test_errors_are_one_bounded_line() -> None:
    message = describe_error(ValueError("x" * 5000))
    assert len(message) == MAX_ERROR_CHARS and message.endswith("…")
    assert describe_error(KeyError()) == "KeyError: (no message)"


def test_recorder_takes_a_plain_message() -> None:
    run = RunRecorder("tags", "123456789012", "us-east-1", run_id="r-1").finish("denied")
    assert (run.run_id, run.status, run.error) == ("r-1", "error", "denied")
