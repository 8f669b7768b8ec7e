"""Fan a collector out over target accounts x regions and write what it finds.

For every target account the runner assumes the read role once per partition, then runs the
collector for each region in a small thread pool (AWS calls are I/O bound). Results are written
to ClickHouse from the calling thread only (one ClickHouse session, no concurrent statements).
Every account/region gets its own `collector_runs` row; a failure (AssumeRole denied, API error,
insert error) is recorded there and the other accounts/regions carry on.

The observation moment (`event_time` of the events, `valid_from` of new edges) is the
scheduled time of the invocation floored to `POLO_OBSERVATION_BUCKET_SECONDS`, so a retried
or repeated invocation for the same moment writes rows with the same keys and the
ReplacingMergeTree tables keep one of each.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import boto3

from clickhouse.client import PoloClickHouse, connect
from clickhouse.gc_pause import gc_paused
from collectors.common.arn import partition_for_region
from collectors.common.aws_session import (
    Credentials,
    RetrySettings,
    assume_role,
    count_api_calls,
    make_session,
)
from collectors.common.collector_run import RunRecorder, write_run
from collectors.common.config import CollectorConfig, load_config
from collectors.common.models import CollectorRun, ResourceEvent
from collectors.common.tag_resolver import TagResolver

log = logging.getLogger(__name__)


class CollectFn(Protocol):
    def __call__(
        self,
        session: boto3.Session,
        account_id: str,
        region: str,
        *,
        observed_at: datetime,
        run_id: str,
        resolver: TagResolver,
    ) -> Sequence[Any]: ...


# (writer, items, account_id, region, observed_at) -> rows written
PersistFn = Callable[[PoloClickHouse, Sequence[Any], str, str, datetime], int]


def insert_events(
    writer: PoloClickHouse,
    events: Iterable[ResourceEvent],
    account_id: str,
    region: str,
    observed_at: datetime,
) -> int:
    """Default persistence: append the events to `resource_events` (streamed as JSON row
    batches, docs/collectors.md "Performance")."""
    return writer.insert_models("resource_events", events)


def parse_time(value: str) -> datetime:
    """An ISO-8601 timestamp that states its zone (`Z` or an offset), as UTC."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp {value!r} has no timezone; add 'Z' or an offset")
    return parsed.astimezone(UTC)


def observation_time(
    event: Mapping[str, Any] | None, bucket_seconds: int, *, now: datetime | None = None
) -> datetime:
    """The moment a run observes: `event["observed_at"]`, else the EventBridge schedule's
    `event["time"]`, else now, floored to `bucket_seconds`."""
    event = event or {}
    raw = event.get("observed_at") or event.get("time")
    moment = parse_time(raw) if isinstance(raw, str) and raw else (now or datetime.now(UTC))
    epoch = int(moment.timestamp())
    return datetime.fromtimestamp(epoch - epoch % bucket_seconds, tz=UTC)


@dataclass
class _Collected:
    recorder: RunRecorder
    items: Sequence[Any] = ()
    error: BaseException | None = None


def run_collection(
    collector: str,
    collect: CollectFn,
    writer: PoloClickHouse,
    config: CollectorConfig,
    *,
    observed_at: datetime,
    persist: PersistFn = insert_events,
    base_session: boto3.Session | None = None,
) -> list[CollectorRun]:
    """Run `collect` for every configured account x region; returns the runs written."""
    retry = RetrySettings(config.retry_mode, config.max_attempts)
    base = base_session or make_session(region=config.regions[0], retry=retry)
    resolver = config.tag_resolver()
    started = time.monotonic()
    total = len(config.target_accounts) * len(config.regions)
    log.info(
        "%s: collecting %d account(s) x %d region(s) at %s",
        collector,
        len(config.target_accounts),
        len(config.regions),
        observed_at.isoformat(),
    )

    def credentials_for(account_id: str, partition: str, region: str) -> Credentials:
        return assume_role(
            base,
            account_id,
            config.read_role_name,
            region=region,
            external_id=config.external_id,
            session_name=f"polo-{collector}",
        )

    def collect_one(account_id: str, region: str, creds: Future[Credentials]) -> _Collected:
        recorder = RunRecorder(collector, account_id, region)
        try:
            session = make_session(creds.result(), region=region, retry=retry)
            counter = count_api_calls(session)
            try:
                items = collect(
                    session,
                    account_id,
                    region,
                    observed_at=observed_at,
                    run_id=recorder.run_id,
                    resolver=resolver,
                )
            finally:
                recorder.api_calls = counter.count
            return _Collected(recorder, items)
        except Exception as exc:
            return _Collected(recorder, error=exc)

    runs: list[CollectorRun] = []
    # Threads normalise other accounts/regions while this one persists each finished one; the
    # cyclic GC stays off meanwhile (clickhouse/gc_pause.py: the events hold no cycles).
    with (
        gc_paused(),
        ThreadPoolExecutor(max_workers=config.concurrency, thread_name_prefix=collector) as pool,
    ):
        credentials: dict[tuple[str, str], Future[Credentials]] = {}
        jobs: list[Future[_Collected]] = []
        for account_id in config.target_accounts:
            for region in config.regions:
                key = (account_id, partition_for_region(region))
                if key not in credentials:
                    credentials[key] = pool.submit(credentials_for, *key, region)
        for account_id in config.target_accounts:
            for region in config.regions:
                creds = credentials[(account_id, partition_for_region(region))]
                jobs.append(pool.submit(collect_one, account_id, region, creds))
        for done, job in enumerate(as_completed(jobs), start=1):
            runs.append(_persist(writer, job.result(), persist, observed_at))
            log.info("%s: %d/%d account/region runs done", collector, done, total)

    rows = sum(r.rows_written for r in runs)
    failed = [r for r in runs if r.status == "error"]
    seconds = max(time.monotonic() - started, 0.001)
    log.info(
        "%s: %d run(s), %d failed, %d rows in %.1f s (%.0f rows/s)",
        collector,
        len(runs),
        len(failed),
        rows,
        seconds,
        rows / seconds,
    )
    return runs


def _persist(
    writer: PoloClickHouse, collected: _Collected, persist: PersistFn, observed_at: datetime
) -> CollectorRun:
    recorder = collected.recorder
    error = collected.error
    if error is None:
        try:
            recorder.rows_written = persist(
                writer, collected.items, recorder.account_id, recorder.region, observed_at
            )
        except Exception as exc:
            error = exc
    return write_run(writer, recorder.finish(error))


def summarise(
    collector: str, observed_at: datetime, runs: Sequence[CollectorRun]
) -> dict[str, Any]:
    """A JSON-serialisable summary of a fan-out (the Lambda's return value)."""
    return {
        "collector": collector,
        "observed_at": observed_at.isoformat(),
        "runs": len(runs),
        "ok": sum(r.status == "ok" for r in runs),
        "rows_written": sum(r.rows_written for r in runs),
        "errors": [
            {"account_id": r.account_id, "region": r.region, "error": r.error}
            for r in runs
            if r.status == "error"
        ],
    }


def _show_progress() -> None:
    # Progress lines are INFO; Lambda's root logger stops at WARNING and a plain `python -c`
    # has no handler at all, so make sure they reach the log in both.
    if not logging.getLogger().handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("collectors").setLevel(logging.INFO)


class CollectionFailed(RuntimeError):
    """Every account/region of an invocation failed: the Lambda invocation should fail too."""


def handle(
    collector: str,
    collect: CollectFn,
    event: Mapping[str, Any] | None,
    *,
    persist: PersistFn = insert_events,
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Body of every collector Lambda handler: configuration from the environment, fan-out,
    summary. Partial failures are returned (and recorded in `collector_runs`); a total failure
    raises `CollectionFailed` so the invocation is marked failed and alarms fire."""
    _show_progress()
    config = load_config(env)
    observed_at = observation_time(event, config.observation_bucket_seconds)
    with connect(config.clickhouse_url, database=config.clickhouse_database) as writer:
        runs = run_collection(
            collector, collect, writer, config, observed_at=observed_at, persist=persist
        )
    summary = summarise(collector, observed_at, runs)
    if runs and summary["ok"] == 0:
        raise CollectionFailed(
            f"{collector}: every account/region failed; first error: {summary['errors'][0]}"
        )
    return summary
