"""FOCUS ingest throughput: a 1 000 000-line-item month (4 Parquet files in moto's S3) loaded
into the embedded ClickHouse by `load_delivery`, against a bare `INSERT ... SELECT *` of the
same files, both measured in this one run.

Target (issue 19, docs/cost-sources.md): at least 1 000 000 line items per minute on 2 cores.
Figures are printed with the load average (the machine is shared), not asserted.
"""

from __future__ import annotations

import os
import statistics
import time
import uuid
from datetime import date
from typing import Any

from clickhouse.client import PoloClickHouse
from collectors.focus_export.conftest import BUCKET, EXPORT, KEY, PREFIX
from collectors.focus_export.loader import S3Reader, load_delivery
from collectors.focus_export.manifest import Manifest

LINE_ITEMS = 1_000_000
FILES = 4
ROUNDS = 3
PERIOD = date(2026, 11, 1)

# One FOCUS data file written by the engine itself (fast, and the types AWS uses: decimals,
# UTC timestamps, a map of tags), `{rows}` line items from `{offset}`.
GENERATE = """
INSERT INTO FUNCTION s3({{url:String}}, {{key:String}}, {{secret:String}}, 'Parquet')
SELECT
    toDateTime64('2026-11-01 00:00:00', 3, 'UTC') AS BillingPeriodStart,
    toDateTime64('2026-11-01 00:00:00', 3, 'UTC') + toIntervalDay(n % 30) AS ChargePeriodStart,
    toString(100000000000 + n % 40) AS SubAccountId,
    'us-east-1' AS RegionId,
    ['Amazon Elastic Compute Cloud', 'Amazon S3', 'AWS Lambda'][n % 3 + 1] AS ServiceName,
    concat('BoxUsage:m5.', toString(n % 7)) AS x_UsageType,
    concat('i-', lower(hex(n % 200000))) AS ResourceId,
    ['Usage', 'Usage', 'Usage', 'Tax', 'Credit'][n % 5 + 1] AS ChargeCategory,
    '' AS ChargeClass,
    toDecimal128(n % 100003, 10) / 7919 AS BilledCost,
    toDecimal128(n % 100003, 10) / 8191 AS EffectiveCost,
    toDecimal128(n % 100003, 10) / 7000 AS ListCost,
    toDecimal128(n % 24, 10) AS ConsumedQuantity,
    'Hours' AS ConsumedUnit,
    if(n % 5 = 0, 'arn:aws:savingsplans::1:savingsplan/sp-1', '') AS CommitmentDiscountId,
    if(n % 5 = 0, 'Savings Plan', '') AS CommitmentDiscountType,
    map('customer', concat('c', toString(n % 12)), 'team', 'platform') AS Tags
FROM (SELECT number + {offset} AS n FROM numbers({rows}))
"""


def _files(db: PoloClickHouse, reader: S3Reader) -> list[str]:
    uris = []
    per_file = LINE_ITEMS // FILES
    for number in range(FILES):
        key = f"{PREFIX}/{EXPORT}/data/BILLING_PERIOD=2026-11/perf/{EXPORT}-{number:05d}.parquet"
        db.command(
            "perf.generate",
            GENERATE.format(offset=number * per_file, rows=per_file),
            {"url": reader.url(BUCKET, key), "key": KEY, "secret": KEY},
        )
        uris.append(f"s3://{BUCKET}/{key}")
    return uris


def _manifest(uris: list[str]) -> Manifest:
    return Manifest.model_validate(
        {
            "exportName": EXPORT,
            "executionId": str(uuid.uuid4()),
            "billingPeriod": {"start": "2026-11-01T00:00:00Z", "end": "2026-12-01T00:00:00Z"},
            "dataFiles": uris,
        }
    )


def _bare(db: PoloClickHouse, reader: S3Reader, uris: list[str]) -> float:
    db.command("perf.bare_truncate", "TRUNCATE TABLE bare")
    started = time.perf_counter()
    for uri in uris:
        bucket, _, key = uri[len("s3://") :].partition("/")
        db.command(
            "perf.bare",
            f"INSERT INTO bare SELECT * FROM {reader.table_function()}",
            reader.parameters(bucket, key),
        )
    return time.perf_counter() - started


def test_focus_ingest_throughput(
    benchmark: Any, db: PoloClickHouse, s3: Any, reader: S3Reader
) -> None:
    uris = _files(db, reader)
    bucket, _, key = uris[0][len("s3://") :].partition("/")
    db.command(
        "perf.bare_table",
        f"CREATE TABLE bare ENGINE = MergeTree ORDER BY tuple() AS "
        f"SELECT * FROM {reader.table_function()} LIMIT 0",
        reader.parameters(bucket, key),
    )
    bare_seconds: list[float] = []

    def one_load(manifest: Manifest) -> None:
        result = load_delivery(db, reader, manifest, final=False)
        assert result.line_items == LINE_ITEMS
        # The baseline right after each load, so both sides see the same machine state.
        bare_seconds.append(_bare(db, reader, uris))

    benchmark.pedantic(
        one_load,
        setup=lambda: ((_manifest(uris),), {}),
        rounds=ROUNDS,
        iterations=1,
    )
    # pedantic's timing includes the baseline run; take the load's own time out of it.
    load_times = [
        total - bare for total, bare in zip(benchmark.stats.stats.data, bare_seconds, strict=True)
    ]
    load = statistics.median(load_times)
    bare = statistics.median(bare_seconds)
    print(
        f"\nfocus ingest: {LINE_ITEMS:,} line items in {FILES} files, median of {ROUNDS} rounds, "
        f"load average {os.getloadavg()[0]:.2f}\n"
        f"  load_delivery : {load:6.2f} s = {LINE_ITEMS / load:>12,.0f} line items/s "
        f"= {LINE_ITEMS * 60 / load / 1e6:5.1f} M/min (target >= 1 M/min)\n"
        f"  bare INSERT   : {bare:6.2f} s = {LINE_ITEMS / bare:>12,.0f} line items/s\n"
        f"  ratio load / bare: {load / bare:.2f}x"
    )
