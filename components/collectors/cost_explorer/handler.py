"""Lambda entry point of the Cost Explorer collector (scheduled by EventBridge, e.g. every 6 h).

Configuration comes from the environment: `POLO_CE_*` (settings.py), `POLO_CLICKHOUSE_URL` /
`POLO_CLICKHOUSE_DATABASE`, and for a payer account reached through the read role
`POLO_CE_PAYER_ACCOUNT`, `POLO_READ_ROLE_NAME`, `POLO_EXTERNAL_ID`. The event carries nothing
the run needs: what to collect follows from what `cost_daily` already holds.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import boto3

from clickhouse.client import PoloClickHouse, connect
from collectors.common.aws_session import assume_role, make_session
from collectors.common.config import DEFAULT_READ_ROLE
from collectors.cost_explorer.collector import COLLECTOR_NAME, run_cost_collection
from collectors.cost_explorer.settings import CostExplorerSettings

log = logging.getLogger(__name__)


def payer_session(
    settings: CostExplorerSettings, env: Mapping[str, str], base: boto3.Session | None = None
) -> tuple[boto3.Session, str]:
    """A session in the payer account and that account's id."""
    base = base or make_session(region=settings.endpoint_region)
    if settings.payer_account is None:
        identity = base.client("sts", region_name=settings.endpoint_region).get_caller_identity()
        return base, identity["Account"]
    credentials = assume_role(
        base,
        settings.payer_account,
        env.get("POLO_READ_ROLE_NAME", "").strip() or DEFAULT_READ_ROLE,
        region=settings.endpoint_region,
        external_id=env.get("POLO_EXTERNAL_ID", "").strip() or None,
        session_name=f"polo-{COLLECTOR_NAME}",
    )
    return make_session(credentials, region=settings.endpoint_region), settings.payer_account


def handle(
    env: Mapping[str, str],
    clickhouse: PoloClickHouse,
    *,
    base_session: boto3.Session | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> dict[str, Any]:
    """Run once and return a JSON-serialisable summary."""
    settings = CostExplorerSettings.from_env(env)
    session, account = payer_session(settings, env, base_session)
    result = run_cost_collection(clickhouse, session, settings, payer_account=account, clock=clock)
    return {"collector": COLLECTOR_NAME, "account_id": account, **result.model_dump(mode="json")}


def handler(event: Mapping[str, Any] | None, context: Any) -> dict[str, Any]:
    """AWS Lambda handler."""
    logging.getLogger().setLevel(logging.INFO)
    # Validate settings before connecting anywhere, so a bad deployment fails with its cause.
    CostExplorerSettings.from_env(os.environ)
    database = os.environ.get("POLO_CLICKHOUSE_DATABASE", "").strip() or None
    with connect(database=database) as clickhouse:
        summary = handle(os.environ, clickhouse)
    log.info("%s", summary)
    return summary
