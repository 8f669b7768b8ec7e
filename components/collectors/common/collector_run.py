"""Book-keeping of one collector run over one account and region: a `collector_runs` row.

Use the context manager around the work; it times the run, counts what the body reports, and
writes an `ok` row on success or an `error` row with the exception's message on failure:

    with collector_run(ch, "cost_explorer", account_id, region) as run:
        rows = collect_and_insert(...)
        run.rows_written += rows
        run.api_calls += calls

By default the exception is re-raised after the row is written; `suppress=True` swallows it so
one failing account/region does not stop a fan-out (the row records the failure).
`RunRecorder` is the same logic without the `with` block, for runners that collect in worker
threads and write from one thread.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Protocol

from collectors.common.models import CollectorRun

log = logging.getLogger(__name__)

# Long tracebacks in `collector_runs.error` help nobody on a dashboard; the log has the rest.
MAX_ERROR_CHARS = 2000


class RowWriter(Protocol):
    """What a run needs from ClickHouse: `PoloClickHouse` satisfies it."""

    def insert_rows(self, table: str, rows: list[CollectorRun]) -> int: ...


def new_run_id() -> str:
    return str(uuid.uuid4())


def describe_error(exc: BaseException) -> str:
    """`Type: message`, one line, bounded in length."""
    text = " ".join(str(exc).split()) or "(no message)"
    message = f"{type(exc).__name__}: {text}"
    if len(message) > MAX_ERROR_CHARS:
        message = message[: MAX_ERROR_CHARS - 1] + "…"
    return message


class RunRecorder:
    """Times one run; `finish()` builds its `CollectorRun` row."""

    def __init__(
        self,
        collector: str,
        account_id: str,
        region: str,
        *,
        run_id: str | None = None,
        started_at: datetime | None = None,
    ) -> None:
        self.collector = collector
        self.account_id = account_id
        self.region = region
        self.run_id = run_id or new_run_id()
        self.started_at = started_at or datetime.now(UTC)
        self.rows_written = 0
        self.api_calls = 0

    def finish(self, error: BaseException | str | None = None) -> CollectorRun:
        message = ""
        if error is not None:
            message = error if isinstance(error, str) else describe_error(error)
        return CollectorRun(
            run_id=self.run_id,
            collector=self.collector,
            account_id=self.account_id,
            region=self.region,
            started_at=self.started_at,
            finished_at=max(datetime.now(UTC), self.started_at),
            rows_written=self.rows_written,
            api_calls=self.api_calls,
            status="error" if message else "ok",
            error=message,
        )


def write_run(writer: RowWriter, run: CollectorRun) -> CollectorRun:
    """Insert the run row and log it (one line per account/region, with the rate)."""
    writer.insert_rows("collector_runs", [run])
    seconds = max((run.finished_at - run.started_at).total_seconds(), 0.001)
    if run.status == "ok":
        log.info(
            "%s %s/%s: %d rows, %d API calls in %.1f s (%.0f rows/s)",
            run.collector,
            run.account_id,
            run.region,
            run.rows_written,
            run.api_calls,
            seconds,
            run.rows_written / seconds,
        )
    else:
        log.error("%s %s/%s failed: %s", run.collector, run.account_id, run.region, run.error)
    return run


@contextmanager
def collector_run(
    writer: RowWriter,
    collector: str,
    account_id: str,
    region: str,
    *,
    run_id: str | None = None,
    suppress: bool = False,
) -> Iterator[RunRecorder]:
    """Time the body as one run and write its `collector_runs` row (see module docstring)."""
    recorder = RunRecorder(collector, account_id, region, run_id=run_id)
    try:
        yield recorder
    except Exception as exc:
        write_run(writer, recorder.finish(exc))
        if not suppress:
            raise
    else:
        write_run(writer, recorder.finish())
