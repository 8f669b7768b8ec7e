"""Normalise + insert throughput of inventory events into embedded ClickHouse.

Target: >= 50 000 events/s on 2 cores for 100 000 `ec2:instance` events, through the code
a collector run uses: raw `DescribeInstances` shapes → `normalise_instance` (strict
`ResourceEvent` validation) → the runner's `insert_events` (`PoloClickHouse.insert_models`,
`JSONEachRow` batches) into `resource_events`, with the cyclic GC paused as the runner
pauses it.

Two ways of running the same code, median of 3 rounds each:
- one after the other: normalise all 100 k, then insert them (one account/region alone);
- streamed: the events go into `insert_events` as they are normalised, so ClickHouse writes
  a batch (without Python's GIL) while the next is normalised. That is how a run over several
  accounts/regions proceeds (the runner persists one while its threads normalise others).

It prints events per wall-clock second and per CPU second of this process (the machine is
shared: the load average is printed too). Nothing asserts on a stopwatch.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client

from clickhouse.client import PoloClickHouse
from clickhouse.gc_pause import gc_paused
from collectors.common.models import ResourceEvent
from collectors.common.normaliser import Observation, normalise_instance
from collectors.common.runner import insert_events
from collectors.common.tag_resolver import TagResolver
from schema.migrate import apply_migrations

EVENTS = 100_000
ROUNDS = 3
TARGET_EVENTS_PER_SECOND = 50_000
ACCOUNTS = [f"{100000000000 + n:012d}" for n in range(20)]
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]
TYPES = ["m5.large", "c5.xlarge", "r6g.2xlarge", "t3.micro"]
OBSERVED = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def raw_instance(n: int) -> tuple[str, str, dict[str, Any]]:
    """A realistic instance: 40 customers x 5 clusters x 4 roles, one in ten untagged."""
    customer, cluster, role = n % 40, n % 5, n % 4
    tags = [] if n % 10 == 0 else [
        {"Key": "Customer", "Value": f"Customer-{customer}"},
        {"Key": "Cluster", "Value": f"c{customer}-{cluster}"},
        {"Key": "Role", "Value": ["api", "indexer", "worker", "db"][role]},
        {"Key": "Environment", "Value": "prod" if n % 3 else "staging"},
        {"Key": "Name", "Value": f"node-{n}"},
    ]  # fmt: skip
    region = REGIONS[n % len(REGIONS)]
    raw = {
        "InstanceId": f"i-{n:017x}",
        "InstanceType": TYPES[n % len(TYPES)],
        "ImageId": "ami-0abcdef1234567890",
        "LaunchTime": OBSERVED - timedelta(hours=n % 5000),
        "Placement": {"AvailabilityZone": f"{region}a", "Tenancy": "default"},
        "State": {"Code": 16, "Name": "running"},
        "SubnetId": f"subnet-{n % 300:08x}",
        "VpcId": f"vpc-{n % 60:08x}",
        "PrivateIpAddress": f"10.{n % 250}.{n // 250 % 250}.{n % 200}",
        "Architecture": "x86_64",
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeId": f"vol-{n:017x}"}}],
        "NetworkInterfaces": [{"NetworkInterfaceId": f"eni-{n:017x}"}],
        "Tags": tags,
    }
    return ACCOUNTS[n % len(ACCOUNTS)], region, raw


def normalise_each(raws: list[tuple[str, str, dict[str, Any]]]) -> Iterator[ResourceEvent]:
    resolver = TagResolver()
    # One observation per account/region, as each collect call makes one.
    observations = {
        (account, region): Observation(account, region, OBSERVED, resolver, "perf")
        for account in ACCOUNTS
        for region in REGIONS
    }
    for account, region, raw in raws:
        yield normalise_instance(raw, observations[(account, region)])


def insert(writer: PoloClickHouse, events: Iterable[ResourceEvent]) -> int:
    return insert_events(writer, events, ACCOUNTS[0], REGIONS[0], OBSERVED)


class Stopwatch:
    """Wall-clock and process CPU seconds per stage, over rounds."""

    def __init__(self) -> None:
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}

    def record(self, stage: str, wall: float, cpu: float) -> None:
        self.wall.setdefault(stage, []).append(wall)
        # CPU time of this process (chDB's threads included): what the code costs when other
        # work shares the cores.
        self.cpu.setdefault(stage, []).append(cpu)

    def rate(self, stage: str, kind: str) -> float:
        return EVENTS / statistics.median((self.wall if kind == "wall" else self.cpu)[stage])


def clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


@pytest.mark.benchmark(group="collectors")
def test_normalise_and_insert_100k_events(
    benchmark: Any, ch_client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    apply_migrations(ch_client)
    writer = PoloClickHouse(ch_client)
    raws = [raw_instance(n) for n in range(EVENTS)]
    insert(writer, normalise_each(raws[:1000]))  # warm the engine and the code paths
    times = Stopwatch()

    def one_after_the_other() -> None:
        wall0, cpu0 = clock()
        with gc_paused():
            events = list(normalise_each(raws))
        wall1, cpu1 = clock()
        assert insert(writer, events) == EVENTS
        wall2, cpu2 = clock()
        times.record("normalise", wall1 - wall0, cpu1 - cpu0)
        times.record("insert", wall2 - wall1, cpu2 - cpu1)
        times.record("one after the other", wall2 - wall0, cpu2 - cpu0)

    def streamed() -> None:
        wall0, cpu0 = clock()
        assert insert(writer, normalise_each(raws)) == EVENTS
        wall1, cpu1 = clock()
        times.record("streamed", wall1 - wall0, cpu1 - cpu0)

    def run() -> None:
        one_after_the_other()
        streamed()

    benchmark.pedantic(run, rounds=ROUNDS, iterations=1)
    load = Path("/proc/loadavg").read_text().split()[:3]
    # Shown under `pants test` too, which captures output (--test-output=all prints it).
    with capsys.disabled():
        print(
            f"\n{EVENTS:,} ec2:instance events, median of {ROUNDS} rounds, events/s "
            f"(target >= {TARGET_EVENTS_PER_SECOND:,}/s end to end on 2 cores)"
        )
        print(f"{'stage':<20} {'wall':>9} {'per CPU s':>9}")
        for stage in times.wall:
            print(
                f"{stage:<20} {times.rate(stage, 'wall'):>9,.0f} {times.rate(stage, 'cpu'):>9,.0f}"
            )
        print(f"load average {' '.join(load)} on {len(os.sched_getaffinity(0))} cores")
    distinct = ch_client.command("SELECT uniqExact(resource_id) FROM resource_events")
    assert distinct == EVENTS
    rows = ch_client.command("SELECT count() FROM resource_events FINAL")
    assert rows == EVENTS  # every round wrote the same keys: the engine keeps one of each
