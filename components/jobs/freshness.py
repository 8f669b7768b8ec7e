"""Lambda entry point of the freshness job: minutes since each collector's last successful run.

It reads `collector_runs` (status `ok`) and publishes one CloudWatch metric per collector,
`MinutesSinceLastSuccess` (dimension `Collector`) in `POLO_FRESHNESS_NAMESPACE`. The collectors
stack alarms when a value exceeds twice the collector's period, and when the metric is missing
(this job is not running). A collector that never succeeded reports `NEVER_MINUTES`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from clickhouse.client import PoloClickHouse, connect

log = logging.getLogger(__name__)

METRIC = "MinutesSinceLastSuccess"
NEVER_MINUTES = 1_000_000.0

LAST_SUCCESS_SQL = """
SELECT collector, max(finished_at) AS last_ok
FROM collector_runs
WHERE status = 'ok' AND collector IN {collectors:Array(String)}
GROUP BY collector
"""


def last_successes(db: PoloClickHouse, collectors: Sequence[str]) -> dict[str, datetime]:
    result = db.query("freshness", LAST_SUCCESS_SQL, {"collectors": list(collectors)})
    return {row[0]: row[1] for row in result.result_rows}


def minutes_since(
    collectors: Sequence[str], last_ok: Mapping[str, datetime], now: datetime
) -> dict[str, float]:
    ages = {}
    for name in collectors:
        moment = last_ok.get(name)
        if moment is None:
            ages[name] = NEVER_MINUTES
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        ages[name] = max(0.0, round((now - moment).total_seconds() / 60, 1))
    return ages


def metric_data(ages: Mapping[str, float], now: datetime) -> list[dict[str, Any]]:
    return [
        {
            "MetricName": METRIC,
            "Dimensions": [{"Name": "Collector", "Value": name}],
            "Timestamp": now,
            "Value": value,
            "Unit": "None",
        }
        for name, value in sorted(ages.items())
    ]


def handle(
    environ: Mapping[str, str],
    *,
    read: Callable[[Sequence[str]], Mapping[str, datetime]],
    cloudwatch: Any,
    now: datetime,
) -> dict[str, float]:
    collectors = [c for c in environ.get("POLO_FRESHNESS_COLLECTORS", "").split(",") if c]
    if not collectors:
        raise ValueError("POLO_FRESHNESS_COLLECTORS lists no collector")
    namespace = environ.get("POLO_FRESHNESS_NAMESPACE", "Polo/Collectors")
    ages = minutes_since(collectors, read(collectors), now)
    cloudwatch.put_metric_data(Namespace=namespace, MetricData=metric_data(ages, now))
    return ages


def handler(event: Mapping[str, Any] | None, context: Any) -> dict[str, float]:
    """AWS Lambda handler."""
    import boto3

    logging.getLogger().setLevel(logging.INFO)

    def read(collectors: Sequence[str]) -> Mapping[str, datetime]:
        database = os.environ.get("POLO_CLICKHOUSE_DATABASE", "").strip() or None
        with connect(database=database) as db:
            return last_successes(db, collectors)

    ages = handle(
        os.environ, read=read, cloudwatch=boto3.client("cloudwatch"), now=datetime.now(UTC)
    )
    log.info("minutes since last success: %s", ages)
    return ages
