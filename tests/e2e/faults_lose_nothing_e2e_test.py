"""Story: faults lose nothing (docs/e2e.md).

Two simulated days of the organisation. Day 0 is collected cleanly. On day 1 everything goes
wrong at once, in the database the API reads (`polo`):

- throttling: the first three `DescribeInstances` calls and the first two
  `GetCostAndUsageWithResources` calls answer `RequestLimitExceeded` / `ThrottlingException`;
- the sandbox account denies `sts:AssumeRole` to the read role (AccessDenied) for every
  collector;
- config_ebs is killed (SIGKILL, as a Lambda timeout does) right after its second
  `resource_events` insert reached ClickHouse;
- the ClickHouse endpoint is restarted (same port, same data) while config_network's insert is
  in flight; that insert never reaches the server (the client retries it after the restart).

Then access is restored and every function is invoked again with the same scheduled event (what
EventBridge's retry of a failed asynchronous invocation does). A second database (`reference`)
collected the same moments with no fault at all. After the re-runs the two hold the same rows:
same counts and checksums per table (volatile columns aside: ingestion time, run id), with
`FINAL`, before and after the attribution rebuild; `collector_runs` keeps the partial and failed
runs with their errors; the stale account shows in the freshness of each collector.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from e2e import fleet as org
from e2e.aws import deny_assume_role, throttle
from e2e.harness import INVENTORY, InsertHook, LambdaFunction
from e2e.world import World, report

from attribution import pipeline

DAYS = 2
FAULT_DAY = 1
TABLES = {
    "resource_events": ("ingested_at", "collector_run_id"),
    "resource_relationships": ("ingested_at",),
    "cost_daily": ("collected_at",),
    "cost_attributed_daily": (),
    "resource_snapshots": ("version",),
}


class FaultedWorld:
    """A `World` plus clean twins of every function writing to the `reference` database."""

    def __init__(self, root: Path) -> None:
        self.world = World(root, days=DAYS)
        self.world.clickhouse.migrate("reference")
        env = {
            **self.world.env,
            "POLO_CLICKHOUSE_URL": self.world.clickhouse.url,  # no door: nothing breaks here
            "POLO_CLICKHOUSE_DATABASE": "reference",
        }
        self.reference = {
            name: LambdaFunction(name, root / "lambda", env) for name in self.world.functions
        }
        self.outcomes: dict[str, dict] = {}

    def clean(self, day: int, *, collect_cost: bool = False) -> None:
        event = self.world.schedule_event(day)
        for name in INVENTORY:
            answer = self.reference[name].invoke(event)
            assert answer["ok"] and not answer["result"]["errors"], answer
        if collect_cost:
            answer = self.reference["cost_explorer"].invoke(event)
            assert answer["ok"], answer

    def close(self) -> None:
        for function in self.reference.values():
            function.close()
        self.world.close()


@pytest.fixture(scope="module")
def faulted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultedWorld]:
    began = time.perf_counter()
    f = FaultedWorld(tmp_path_factory.mktemp("faults"))
    w = f.world
    try:
        # Day 0: clean everywhere.
        w.simulate_day(0)
        f.clean(0)
        # Day 1, the reference first (the fleet does not change between the two).
        f.clean(FAULT_DAY, collect_cost=True)
        event = w.schedule_event(FAULT_DAY)
        describe_throttle = throttle("ec2", "DescribeInstances", times=3)
        ce_throttle = throttle("ce", "GetCostAndUsageWithResources", times=2)
        denied = deny_assume_role(org.SANDBOX)
        w.aws.faults += [describe_throttle, ce_throttle, denied]
        with w.timed("faulted runs"):
            f.outcomes["config_ec2"] = w.functions["config_ec2"].invoke(event)
            ebs = w.functions["config_ebs"]
            w.ch_door.hooks.append(InsertHook("resource_events", nth=2, act=ebs.kill))
            f.outcomes["config_ebs"] = ebs.invoke(event)
            w.ch_door.hooks.append(
                InsertHook("resource_events", nth=1, act=w.clickhouse.restart, forward=False)
            )
            f.outcomes["config_network"] = w.functions["config_network"].invoke(event)
            for name in ("tags", "relationships"):
                f.outcomes[name] = w.functions[name].invoke(event)
            f.outcomes["cost_explorer"] = w.functions["cost_explorer"].invoke(event)
        f.describe_throttle, f.ce_throttle, f.denied = describe_throttle, ce_throttle, denied
        # What the stale account looks like before anyone fixes it.
        f.runs_before = w.query(
            "SELECT collector, account_id, region, status, error FROM collector_runs FINAL"
        )
        f.freshness_before = w.api("/api/health")
        # Access restored; every function re-invoked with the same event.
        w.aws.faults.remove(denied)
        with w.timed("re-runs"):
            f.reruns = {name: w.functions[name].invoke(event) for name in INVENTORY}
        for day in range(DAYS):
            for db in ("polo", "reference"):
                with w.clickhouse.client(db) as client:
                    pipeline.rebuild(client, w.date(day), w.date(day + 1))
        w.timings["world total"] = time.perf_counter() - began
        report(w, "faults world")
        yield f
    finally:
        f.close()


def checksum(world: World, database: str, table: str, volatile: tuple[str, ...]) -> tuple:
    columns = [
        name
        for (name,) in world.query(
            f"SELECT name FROM system.columns WHERE database = '{database}' AND table = '{table}' "
            "ORDER BY position"
        )
        if name not in volatile
    ]
    row_hash = f"cityHash64(tuple({', '.join(f'`{c}`' for c in columns)}))"
    ((engine,),) = world.query(
        f"SELECT engine FROM system.tables WHERE database = '{database}' AND name = '{table}'"
    )
    final = " FINAL" if engine.startswith("Replacing") else ""
    (counts,) = world.query(
        f"SELECT count(), sum({row_hash}) FROM `{database}`.`{table}`{final}", database
    )
    return tuple(counts)


def test_the_faults_happened(faulted: FaultedWorld) -> None:
    o = faulted.outcomes
    assert faulted.describe_throttle.hits == 3
    assert faulted.ce_throttle.hits == 2
    assert faulted.denied.hits >= len(INVENTORY)
    assert o["config_ebs"]["ok"] is False and "container died" in o["config_ebs"]["error"]
    assert faulted.world.clickhouse.restarts == 1
    for name in ("config_ec2", "config_network", "tags", "relationships"):
        assert o[name]["ok"], (name, o[name])
        errors = o[name]["result"]["errors"]
        assert {(e["account_id"], e["region"]) for e in errors} == {
            (org.SANDBOX, region) for region in org.REGIONS
        }, (name, errors)
        assert all("AccessDenied" in e["error"] for e in errors), errors
    assert o["cost_explorer"]["ok"], o["cost_explorer"]


def test_collector_runs_keep_the_partial_and_failed_runs(faulted: FaultedWorld) -> None:
    runs = faulted.runs_before
    failed = {(c, a, r) for c, a, r, status, error in runs if status == "error"}
    for name in ("config_ec2", "config_network", "tags", "relationships"):
        for region in org.REGIONS:
            assert (name, org.SANDBOX, region) in failed
    errors = [e for c, a, r, status, e in runs if status == "error"]
    assert all("AssumeRole" in e and "AccessDenied" in e for e in errors), errors
    # The killed config_ebs invocation recorded what it finished before dying, nothing more:
    # fewer ok rows for day 1 than account/regions.
    ebs_ok = [r for r in runs if r[0] == "config_ebs" and r[3] == "ok"]
    assert len(ebs_ok) < 2 * len(org.MEMBERS) * len(org.REGIONS)
    # After the re-runs every account/region has an ok run of every inventory collector.
    for name, answer in faulted.reruns.items():
        assert answer["ok"] and not answer["result"]["errors"], (name, answer)


def test_freshness_reports_the_stale_account(faulted: FaultedWorld) -> None:
    w = faulted.world
    # Per account (what an operator asks ClickHouse): the sandbox's last ok inventory run is
    # day 0's; every other account was collected on day 1.
    last_ok = dict(
        w.query(
            "SELECT account_id, max(finished_at) FROM collector_runs FINAL "
            "WHERE collector = 'config_ec2' AND status = 'ok' "
            "AND finished_at < (SELECT max(finished_at) FROM collector_runs FINAL "
            "WHERE collector = 'cost_explorer') GROUP BY account_id"
        )
    )
    assert last_ok[org.SANDBOX] < min(last_ok[a] for a in org.MEMBERS if a != org.SANDBOX)
    # Through the API: freshness is per collector; a collector whose last run failed says so
    # and names the account in its error.
    freshness = {row["collector"]: row for row in faulted.freshness_before["freshness"]}
    for name in ("config_ec2", "config_network", "tags", "relationships"):
        row = freshness[name]
        assert row["last_ok_at"], row
        if row["last_status"] == "error":
            assert org.SANDBOX in row["last_error"], row


@pytest.mark.parametrize("table", sorted(TABLES))
def test_nothing_lost_nothing_duplicated(faulted: FaultedWorld, table: str) -> None:
    w = faulted.world
    faulty = checksum(w, "polo", table, TABLES[table])
    clean = checksum(w, "reference", table, TABLES[table])
    assert faulty[0] > 0
    assert faulty == clean, (table, faulty, clean)


def test_the_api_answers_what_the_fleet_implies_after_the_faults(faulted: FaultedWorld) -> None:
    w = faulted.world
    answer = w.api("/api/costs/by-customer", start=w.date(0).isoformat(), end=w.today.isoformat())
    actual = {row["customer"]: Decimal(row["effective_cost"]) for row in answer["data"]}
    assert actual == org.cost_by_customer(w.fleet, range(DAYS))
