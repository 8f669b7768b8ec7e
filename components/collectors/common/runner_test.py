from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from collectors.common import retry
from collectors.common.aws_session import make_session
from collectors.common.config import load_config
from collectors.common.retry import ThrottlePolicy
from collectors.common.runner import observation_time, parse_time, run_collection, summarise
from collectors.config_ec2.collector import collect as collect_instances
from testing.moto_fleet import ACCOUNTS, REGIONS, Fleet, build_fleet, moto_aws


class MemoryWriter:
    """Stands in for ClickHouse; the handler integration tests use the real tables."""

    def __init__(self) -> None:
        self.rows: dict[str, list[Any]] = {}

    def insert_rows(self, table: str, rows: Sequence[Any], batch_size: int = 1000) -> int:
        self.rows.setdefault(table, []).extend(rows)
        return len(rows)

    def insert_models(self, table: str, rows: Iterable[Any], batch_size: int = 10_000) -> int:
        return self.insert_rows(table, list(rows))


OBSERVED = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
CONFIG = load_config(
    {
        "POLO_TARGET_ACCOUNTS": ",".join(ACCOUNTS),
        "POLO_REGIONS": ",".join(REGIONS),
        "POLO_COLLECTOR_CONCURRENCY": "2",
    }
)


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    with moto_aws():
        yield build_fleet()


@pytest.fixture(autouse=True)
def no_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry, "DEFAULT_POLICY", ThrottlePolicy(3, 0, 0))


def test_observation_time_is_floored_to_the_bucket() -> None:
    now = datetime(2026, 11, 2, 10, 47, 13, tzinfo=UTC)
    assert observation_time({}, 3600, now=now) == datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    scheduled = {"time": "2026-11-02T09:00:00Z", "source": "aws.events"}
    assert observation_time(scheduled, 3600, now=now) == datetime(2026, 11, 2, 9, tzinfo=UTC)
    explicit = {"observed_at": "2026-11-01T23:59:59+01:00", "time": "2026-11-02T09:00:00Z"}
    assert observation_time(explicit, 900, now=now) == datetime(2026, 11, 1, 22, 45, tzinfo=UTC)
    assert observation_time(None, 60, now=now) == datetime(2026, 11, 2, 10, 47, tzinfo=UTC)


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValueError, match="has no timezone"):
        parse_time("2026-11-02T09:00:00")


def test_fans_out_over_accounts_and_regions(fleet: Fleet) -> None:
    writer = MemoryWriter()
    runs = run_collection(
        "config_ec2",
        collect_instances,
        writer,  # type: ignore[arg-type]
        CONFIG,
        observed_at=OBSERVED,
        base_session=make_session(region="us-east-1"),
    )
    assert sorted((r.account_id, r.region, r.status) for r in runs) == sorted(
        (a, r, "ok") for a in ACCOUNTS for r in REGIONS
    )
    events = writer.rows["resource_events"]
    assert len(events) == 5 * 4
    for (account, region), built in fleet.regions.items():
        found = {e.resource_id for e in events if (e.account_id, e.region) == (account, region)}
        assert found == set(built.instance_ids)
    assert {e.event_time for e in events} == {OBSERVED}
    assert all(r.api_calls >= 1 and r.rows_written == 5 for r in runs)
    assert writer.rows["collector_runs"] == runs
    by_run = {r.run_id for r in runs}
    assert {e.collector_run_id for e in events} == by_run


def test_a_failing_account_and_a_failing_region_do_not_stop_the_others(fleet: Fleet) -> None:
    base = make_session(region="us-east-1")

    def deny_second_account(params: dict[str, Any], **_: Any) -> None:
        if ACCOUNTS[1] in params["body"]["RoleArn"]:
            raise ClientError(
                {"Error": {"Code": "AccessDenied", "Message": "not authorized"}}, "AssumeRole"
            )

    base.events.register("before-call.sts.AssumeRole", deny_second_account)

    def collect_failing_in_eu(
        session: boto3.Session, account_id: str, region: str, **kwargs: Any
    ) -> list[Any]:
        if region == "eu-west-1":
            raise ClientError(
                {"Error": {"Code": "UnauthorizedOperation", "Message": "no ec2 here"}},
                "DescribeInstances",
            )
        return collect_instances(session, account_id, region, **kwargs)

    writer = MemoryWriter()
    runs = run_collection(
        "config_ec2",
        collect_failing_in_eu,  # type: ignore[arg-type]
        writer,  # type: ignore[arg-type]
        CONFIG,
        observed_at=OBSERVED,
        base_session=base,
    )
    status = {(r.account_id, r.region): (r.status, r.error) for r in runs}
    assert status[(ACCOUNTS[0], "us-east-1")] == ("ok", "")
    assert "UnauthorizedOperation" in status[(ACCOUNTS[0], "eu-west-1")][1]
    for region in REGIONS:
        state, error = status[(ACCOUNTS[1], region)]
        assert state == "error"
        assert f"arn:aws:iam::{ACCOUNTS[1]}:role/PoloReadRole" in error
        assert "AccessDenied" in error
    assert len(writer.rows["resource_events"]) == 5
    summary = summarise("config_ec2", OBSERVED, runs)
    assert (summary["runs"], summary["ok"], summary["rows_written"]) == (4, 1, 5)
    assert len(summary["errors"]) == 3


def test_a_failing_insert_is_recorded_for_its_run(fleet: Fleet) -> None:
    def refuse(*_: Any) -> int:
        raise RuntimeError("ClickHouse said no")

    writer = MemoryWriter()
    config = CONFIG.model_copy(
        update={"target_accounts": (ACCOUNTS[0],), "regions": ("us-east-1",)}
    )
    (run,) = run_collection(
        "config_ec2",
        collect_instances,
        writer,  # type: ignore[arg-type]
        config,
        observed_at=OBSERVED,
        persist=refuse,
        base_session=make_session(region="us-east-1"),
    )
    assert (run.status, run.error, run.rows_written) == (
        "error",
        "RuntimeError: ClickHouse said no",
        0,
    )
