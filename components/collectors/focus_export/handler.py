"""Lambda entry point of the FOCUS export collector (scheduled by EventBridge, e.g. every 6 h,
or triggered by the export's manifest landing in S3: the event carries nothing the run needs).

Configuration: `POLO_FOCUS_*` (collector.py), `POLO_CLICKHOUSE_URL` / `POLO_CLICKHOUSE_DATABASE`.
The ClickHouse server reads the Parquet files itself with the Lambda's own (temporary)
credentials, passed as bound query parameters: the role needs `s3:GetObject` and
`s3:ListBucket` on the export's prefix, and the server needs network access to S3.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import boto3

from clickhouse.client import PoloClickHouse, connect
from collectors.common.aws_session import make_session
from collectors.focus_export.collector import COLLECTOR_NAME, FocusSettings, run_focus_collection
from collectors.focus_export.loader import S3Reader

log = logging.getLogger(__name__)


def reader_for(session: boto3.Session, settings: FocusSettings) -> S3Reader:
    """The engine's view of S3: the session's current credentials and the configured endpoint."""
    credentials = session.get_credentials()
    if credentials is None:
        raise RuntimeError("no AWS credentials: the engine could not read the export")
    frozen = credentials.get_frozen_credentials()
    return S3Reader(
        region=settings.region,
        endpoint=settings.s3_endpoint,
        access_key_id=frozen.access_key,
        secret_access_key=frozen.secret_key,
        session_token=frozen.token or "",
    )


def handle(
    env: Mapping[str, str],
    clickhouse: PoloClickHouse,
    *,
    session: boto3.Session | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> dict[str, Any]:
    """Run once and return a JSON-serialisable summary."""
    settings = FocusSettings.from_env(env)
    session = session or make_session(region=settings.region)
    s3 = session.client("s3", region_name=settings.region, endpoint_url=settings.s3_endpoint)
    account = session.client("sts", region_name=settings.region).get_caller_identity()["Account"]
    result = run_focus_collection(
        clickhouse, s3, reader_for(session, settings), settings, account, clock=clock
    )
    return {"collector": COLLECTOR_NAME, "account_id": account, **result.model_dump(mode="json")}


def handler(event: Mapping[str, Any] | None, context: Any) -> dict[str, Any]:
    """AWS Lambda handler."""
    logging.getLogger().setLevel(logging.INFO)
    # Validate settings before connecting anywhere, so a bad deployment fails with its cause.
    FocusSettings.from_env(os.environ)
    database = os.environ.get("POLO_CLICKHOUSE_DATABASE", "").strip() or None
    with connect(database=database) as clickhouse:
        summary = handle(os.environ, clickhouse)
    log.info("%s", summary)
    return summary
