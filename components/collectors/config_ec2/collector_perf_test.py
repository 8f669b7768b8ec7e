"""Normalise + insert throughput of inventory events into embedded ClickHouse.

Target: >= 50 000 events/s on 2 cores for 100 000 `ec2:instance` events (raw
`DescribeInstances` shapes → `normalise_instance` → one column-oriented insert into
`resource_events`). The figures are printed; nothing asserts on a stopwatch.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client

from collectors.common.models import ResourceEvent, to_columns
from collectors.common.normaliser import normalise_instance
from collectors.common.tag_resolver import TagResolver
from schema.migrate import apply_migrations

EVENTS = 100_000
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


def normalise_all(raws: list[tuple[str, str, dict[str, Any]]]) -> list[ResourceEvent]:
    resolver = TagResolver()
    return [
        normalise_instance(
            raw,
            account_id=account,
            region=region,
            observed_at=OBSERVED,
            resolver=resolver,
            run_id="perf",
        )  # fmt: skip
        for account, region, raw in raws
    ]


def insert(ch_client: Client, events: list[ResourceEvent]) -> None:
    names, columns = to_columns(events)
    ch_client.insert("resource_events", columns, column_names=names, column_oriented=True)


@pytest.mark.benchmark(group="collectors")
def test_normalise_and_insert_100k_events(benchmark: Any, ch_client: Client) -> None:
    apply_migrations(ch_client)
    raws = [raw_instance(n) for n in range(EVENTS)]
    insert(ch_client, normalise_all(raws[:1000]))  # warm the engine and the code paths

    stages: dict[str, float] = {}

    def run() -> None:
        started, cpu_started = time.perf_counter(), time.process_time()
        events = normalise_all(raws)
        normalised, cpu_normalised = time.perf_counter(), time.process_time()
        insert(ch_client, events)
        stages["normalise"] = normalised - started
        stages["insert"] = time.perf_counter() - normalised
        # CPU time of this process: what the code costs when other work shares the cores.
        stages["cpu"] = time.process_time() - cpu_started
        stages["normalise_cpu"] = cpu_normalised - cpu_started

    benchmark.pedantic(run, rounds=2, iterations=1)
    best = benchmark.stats.stats.min
    rate = EVENTS / best
    print(
        f"\nnormalise+insert {EVENTS:,} events: best {best:.2f} s = {rate:,.0f} events/s "
        f"(target >= {TARGET_EVENTS_PER_SECOND:,}/s on 2 cores); last round: normalise "
        f"{EVENTS / stages['normalise']:,.0f}/s, insert {EVENTS / stages['insert']:,.0f}/s; "
        f"per CPU second: {EVENTS / stages['cpu']:,.0f} events/s (normalise "
        f"{EVENTS / stages['normalise_cpu']:,.0f}/s); load average {os.getloadavg()[0]:.1f}"
    )
    distinct = ch_client.command("SELECT uniqExact(resource_id) FROM resource_events")
    assert distinct == EVENTS
