"""Test support for the FOCUS export collector: moto's S3 as a real HTTP server (the ClickHouse
engine reads the Parquet through `s3(...)`, so in-process mocking cannot serve it), FOCUS
Parquet files written with pyarrow, and manifests laid out as AWS Data Exports writes them."""

from __future__ import annotations

import io
import json
import random
import socket
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import boto3
import pyarrow as pa  # pants: no-infer-dep (installed with chdb)
import pyarrow.parquet as pq  # pants: no-infer-dep (installed with chdb)
import pytest
from clickhouse_connect.driver.client import Client
from moto.server import ThreadedMotoServer

from clickhouse.client import PoloClickHouse
from collectors.cost_explorer.rows import CostDailyRow
from collectors.focus_export.loader import S3Reader
from collectors.focus_export.manifest import Manifest
from schema.migrate import apply_migrations

BUCKET = "polo-focus-exports"
PREFIX = "cur"
EXPORT = "polo-focus"
ACCOUNT = "123456789012"
KEY = "testing"
TEN = Decimal("0.0000000001")


@dataclass(frozen=True)
class LineItem:
    charge_date: date
    account_id: str
    service_name: str
    usage_type: str
    resource_id: str
    charge_category: str
    billed_cost: Decimal
    effective_cost: Decimal
    consumed_quantity: Decimal
    tags: dict[str, str] = field(default_factory=dict)
    commitment_discount_id: str = ""
    commitment_discount_type: str = ""
    charge_class: str = ""


def line_items(period: date, count: int, seed: int) -> list[LineItem]:
    """`count` line items of `period` with every charge category, 10-decimal money."""
    rng = random.Random(seed)
    days = ((period.replace(day=28) + timedelta(days=4)).replace(day=1) - period).days
    items = []
    for n in range(count):
        category = rng.choices(
            ["Usage", "Tax", "Credit", "Purchase", "Adjustment"], [90, 4, 3, 2, 1]
        )[0]
        billed = Decimal(rng.randint(0, 10**12)) * TEN
        if category in ("Credit", "Adjustment"):
            billed = -billed
        covered = category == "Usage" and n % 5 == 0
        items.append(
            LineItem(
                charge_date=period + timedelta(days=n % days),
                account_id=f"{100000000000 + n % 3}",
                service_name=rng.choice(["Amazon Elastic Compute Cloud", "Amazon S3", "Tax"]),
                usage_type=f"BoxUsage:m5.{rng.choice(['large', 'xlarge'])}"
                if category == "Usage"
                else "",
                resource_id=f"i-{n % 97:017x}" if category == "Usage" else "",
                charge_category=category,
                billed_cost=billed,
                effective_cost=(billed * Decimal("0.8")).quantize(TEN) if covered else billed,
                consumed_quantity=Decimal(rng.randint(0, 24_000)) / 1000,
                tags={"customer": f"c{n % 4}"} if n % 3 else {},
                commitment_discount_id="arn:aws:savingsplans::1:savingsplan/sp-1"
                if covered
                else "",
                commitment_discount_type="Savings Plan" if covered else "",
                charge_class="Correction" if category == "Adjustment" else "",
            )
        )
    return items


def parquet(items: Sequence[LineItem], period: date, *, money_as_double: bool = False) -> bytes:
    """A FOCUS 1.x data file (the columns Polo maps, plus one it ignores)."""
    start = datetime(period.year, period.month, period.day, tzinfo=UTC)
    money = pa.float64() if money_as_double else pa.decimal128(38, 10)

    def amounts(values: list[Decimal]) -> pa.Array:
        return pa.array([float(v) for v in values] if money_as_double else values, type=money)

    table = pa.table(
        {
            "BillingPeriodStart": pa.array([start] * len(items), type=pa.timestamp("ms", "UTC")),
            "ChargePeriodStart": pa.array(
                [
                    datetime(i.charge_date.year, i.charge_date.month, i.charge_date.day, tzinfo=UTC)
                    for i in items
                ],
                type=pa.timestamp("ms", "UTC"),
            ),
            "SubAccountId": [i.account_id for i in items],
            "RegionId": ["us-east-1"] * len(items),
            "ServiceName": [i.service_name for i in items],
            "x_UsageType": [i.usage_type for i in items],
            "ResourceId": [i.resource_id or None for i in items],
            "ChargeCategory": [i.charge_category for i in items],
            "ChargeClass": [i.charge_class or None for i in items],
            "BilledCost": amounts([i.billed_cost for i in items]),
            "EffectiveCost": amounts([i.effective_cost for i in items]),
            "ListCost": amounts([i.billed_cost for i in items]),
            "ConsumedQuantity": pa.array(
                [i.consumed_quantity for i in items], pa.decimal128(38, 10)
            ),
            "ConsumedUnit": ["Hours"] * len(items),
            "CommitmentDiscountId": [i.commitment_discount_id or None for i in items],
            "CommitmentDiscountType": [i.commitment_discount_type or None for i in items],
            "Tags": pa.array(
                [list(i.tags.items()) for i in items], pa.map_(pa.string(), pa.string())
            ),
            "ProviderName": ["AWS"] * len(items),
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def not_focus_parquet() -> bytes:
    """A valid Parquet file that is not a FOCUS export (two of its columns, no more)."""
    buffer = io.BytesIO()
    pq.write_table(pa.table({"BilledCost": [1.0], "ServiceName": ["x"]}), buffer)
    return buffer.getvalue()


def _cost_explorer_rows(period: date) -> list[CostDailyRow]:
    """What Cost Explorer stored for `period`, final: one line per day for an account the
    export knows and one for an account it does not (both must give way to the export)."""
    end = (period.replace(day=28) + timedelta(days=4)).replace(day=1)
    return [
        CostDailyRow(
            charge_period_start=period + timedelta(days=n),
            account_id=account,
            region="us-east-1",
            service_name="Amazon Elastic Compute Cloud",
            usage_type="BoxUsage:m5.large",
            resource_id="",
            billed_cost=Decimal("12.345678"),
            effective_cost=Decimal("12.345678"),
            consumed_quantity=Decimal(24),
            pricing_unit="Hrs",
            is_provisional=False,
            collected_at=datetime(2026, 12, 1, tzinfo=UTC),
        )
        for n in range((end - period).days)
        for account in ("100000000000", "999999999999")
    ]


@pytest.fixture
def cost_explorer_rows() -> Callable[[date], list[CostDailyRow]]:
    return _cost_explorer_rows


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_endpoint: str) -> Any:
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=KEY,
        aws_secret_access_key=KEY,
        region_name="us-east-1",
    )
    existing = {b["Name"] for b in client.list_buckets()["Buckets"]}
    if BUCKET in existing:
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
            for item in page.get("Contents", []):
                client.delete_object(Bucket=BUCKET, Key=item["Key"])
    else:
        client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture
def reader(s3_endpoint: str) -> S3Reader:
    return S3Reader(endpoint=s3_endpoint, access_key_id=KEY, secret_access_key=KEY)


@pytest.fixture
def db(ch_client: Client) -> PoloClickHouse:
    polo = PoloClickHouse(ch_client)
    apply_migrations(polo)
    return polo


def deliver(
    s3: Any, period: date, files: Sequence[bytes], execution_id: str | None = None
) -> Manifest:
    """Put one delivery of `period` in the bucket (data files + manifest); returns the manifest."""
    execution_id = execution_id or str(uuid.uuid4())
    folder = f"BILLING_PERIOD={period:%Y-%m}"
    uris = []
    for number, body in enumerate(files, start=1):
        key = f"{PREFIX}/{EXPORT}/data/{folder}/{execution_id}/{EXPORT}-{number:05d}.snappy.parquet"
        s3.put_object(Bucket=BUCKET, Key=key, Body=body)
        uris.append(f"s3://{BUCKET}/{key}")
    end = (period.replace(day=28) + timedelta(days=4)).replace(day=1)
    document = {
        "version": "1.0",
        "exportName": EXPORT,
        "executionId": execution_id,
        "billingPeriod": {"start": f"{period}T00:00:00.000Z", "end": f"{end}T00:00:00.000Z"},
        "dataFiles": uris,
    }
    s3.put_object(
        Bucket=BUCKET,
        Key=f"{PREFIX}/{EXPORT}/metadata/{folder}/{EXPORT}-Manifest.json",
        Body=json.dumps(document).encode(),
    )
    return Manifest.model_validate(document)
