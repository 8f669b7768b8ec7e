"""`python -m prodsync.cli` (behind `pants prod-sync`): copy the last N days of production
ClickHouse data into the local database. See docs/prod-sync.md."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from clickhouse_connect.driver import exceptions as driver_errors
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from clickhouse.client import ClickHouseError, redact_url, resolve_url
from prodsync.checkpoint import CheckpointStore, run_key
from prodsync.sync import (
    Chunk,
    ChunkResult,
    SyncError,
    SyncReport,
    connect_source,
    default_checkpoint_path,
    open_destination,
    same_server,
    sync,
    window,
)
from prodsync.tables import select_tables

SOURCE_ENV = "POLO_PROD_CLICKHOUSE_URL"

console = Console(highlight=False)


class RichProgress:
    """One progress line: chunks done, current chunk, rows copied and MB/s."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task: TaskID | None = None
        self._rows = 0
        self._bytes = 0
        self._started = time.monotonic()

    def _refresh(self, label: str) -> None:
        elapsed = max(time.monotonic() - self._started, 1e-6)
        assert self._task is not None
        self._progress.update(
            self._task,
            description=label,
            rows=f"{self._rows:,} rows",
            rate=f"{self._bytes / elapsed / 1e6:.1f} MB/s",
        )

    def start(self, total_chunks: int) -> None:
        self._started = time.monotonic()
        self._task = self._progress.add_task("planning", total=total_chunks, rows="0 rows", rate="")

    def chunk_started(self, chunk: Chunk) -> None:
        self._refresh(_label(chunk))

    def bytes_streamed(self, rows_expected: int, nbytes: int) -> None:
        self._bytes += nbytes
        assert self._task is not None
        self._refresh(self._progress.tasks[self._task].description)

    def chunk_finished(self, result: ChunkResult) -> None:
        self._rows += result.rows
        assert self._task is not None
        self._progress.advance(self._task)
        self._refresh(f"{_label(result.chunk)} {result.action}")


def _label(chunk: Chunk) -> str:
    return f"{chunk.table.name} {chunk.day.isoformat() if chunk.day else '(whole table)'}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m prodsync.cli", description=__doc__)
    parser.add_argument("--days", type=int, default=30, help="days to copy, ending today (30)")
    parser.add_argument(
        "--source-url",
        default=os.environ.get(SOURCE_ENV),
        help=f"production ClickHouse, http(s)://user:pass@host:port/db (env {SOURCE_ENV})",
    )
    parser.add_argument(
        "--dest-url", default=None, help="local ClickHouse (default: the running local stack)"
    )
    parser.add_argument("--tables", default=None, help="comma-separated subset of tables")
    parser.add_argument("--force", action="store_true", help="allow a non-local destination")
    parser.add_argument(
        "--end-date",
        type=date.fromisoformat,
        default=None,
        help="exclusive end of the window, YYYY-MM-DD (default: tomorrow, so today is included)",
    )
    parser.add_argument("--checkpoint", type=Path, default=None, help=argparse.SUPPRESS)
    return parser


def _print_report(report: SyncReport) -> None:
    mb = report.bytes_copied / 1e6
    rate = mb / report.elapsed_s if report.elapsed_s > 0 else 0.0
    console.print(
        f"prod-sync {report.start} .. {report.end} (end exclusive): "
        f"{report.count('copied')} chunks copied ({report.rows_copied:,} rows, {mb:.1f} MB, "
        f"{rate:.1f} MB/s), {report.count('in-sync')} already in sync, "
        f"{report.count('resumed')} done by an earlier interrupted run, "
        f"{report.count('cleared')} cleared, in {report.elapsed_s:.1f}s"
    )
    if report.skipped_tables:
        console.print(f"[yellow]not on the source, skipped:[/] {', '.join(report.skipped_tables)}")


def run(args: argparse.Namespace) -> SyncReport:
    if not args.source_url:
        raise SyncError(f"no source: pass --source-url or set {SOURCE_ENV}")
    tables = select_tables(args.tables.split(",") if args.tables else None)
    destination_url = resolve_url(args.dest_url)
    if same_server(args.source_url, destination_url):
        raise SyncError("the source and the destination are the same database")
    start, end = window(args.days, args.end_date)
    destination = open_destination(destination_url, force=args.force)
    source = connect_source(args.source_url)
    home = Path(os.environ.get("POLO_HOME") or ".polo").resolve()
    key = run_key(
        redact_url(args.source_url), destination_url, [t.name for t in tables], start, end
    )
    checkpoint = CheckpointStore(args.checkpoint or default_checkpoint_path(home), key)
    if checkpoint.resumed_chunks:
        console.print(f"resuming: {checkpoint.resumed_chunks} chunks already copied")
    console.print(
        f"copying {redact_url(args.source_url)} -> {redact_url(destination_url)}, "
        f"{start} .. {end} (end exclusive), tables: {', '.join(t.name for t in tables)}"
    )
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rows]}"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=console, transient=False) as bar:
            report = sync(
                source, destination, tables, start, end, checkpoint, progress=RichProgress(bar)
            )
    finally:
        source.close()
        destination.close()
    _print_report(report)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        run(args)
    except (SyncError, ValueError) as exc:
        console.print(f"[red]prod-sync:[/] {exc}", soft_wrap=True)
        return 2
    except (ClickHouseError, driver_errors.Error) as exc:
        console.print(f"[red]prod-sync:[/] {exc}", soft_wrap=True)
        return 3
    except KeyboardInterrupt:
        console.print("[yellow]interrupted: run the same command again to resume[/]")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
