"""One Cost Explorer run: plan the days, issue the fewest requests, merge and write `cost_daily`.

Requests (each is billed $0.01; Cost Explorer takes at most two GroupBy dimensions):

1. discovery — `GetCostAndUsage` over the whole window, grouped by LINKED_ACCOUNT + SERVICE:
   which accounts and services had cost on which day.
2. detail — usage type needs a third dimension, so the window is split on whichever of account
   or service has fewer values: per service, grouped by LINKED_ACCOUNT + USAGE_TYPE with a
   SERVICE filter; or per account, grouped by SERVICE + USAGE_TYPE with a LINKED_ACCOUNT
   filter. That gives every day x account x service x usage type exactly.
3. resources — for each configured service and each account that had cost for it in the last
   14 days, `GetCostAndUsageWithResources` grouped by RESOURCE_ID + USAGE_TYPE, filtered on
   SERVICE and LINKED_ACCOUNT.

Each request is followed through every NextPageToken. A run with nothing left to collect issues
no request at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

import boto3
from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict

from clickhouse.client import PoloClickHouse
from collectors.common.collector_run import collector_run
from collectors.cost_explorer.api import NO_BOTOCORE_RETRIES, CostExplorerApi
from collectors.cost_explorer.merge import ResourceScope, merge_rows
from collectors.cost_explorer.plan import CollectionPlan, DateWindow, plan_collection
from collectors.cost_explorer.rows import METRICS, CostDailyRow, CostLine, lines_from_results
from collectors.cost_explorer.settings import CostExplorerSettings
from collectors.cost_explorer.store import CostStore

log = logging.getLogger(__name__)

COLLECTOR_NAME = "cost_explorer"
# The group AWS uses for usage it attributes to no resource; it lands in the remainder row.
NO_RESOURCE_ID = "NoResourceId"
# Raised when resource-level data is not enabled (or not available) for the account.
RESOURCE_DATA_UNAVAILABLE = frozenset({"DataUnavailableException", "ValidationException"})


class CostRunResult(BaseModel):
    """What a run did: the counts `collector_runs` records, plus the days it covered."""

    model_config = ConfigDict(frozen=True)

    rows_written: int
    api_calls: int
    days_collected: int
    window_start: date | None
    window_end: date | None
    resource_level: bool


def _dimension(key: str, value: str) -> dict[str, Any]:
    return {"Dimensions": {"Key": key, "Values": [value]}}


def _request(
    window: DateWindow, group_by: Sequence[str], flt: dict[str, Any] | None
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "TimePeriod": window.time_period(),
        "Granularity": "DAILY",
        "Metrics": list(METRICS),
        "GroupBy": [{"Type": "DIMENSION", "Key": key} for key in group_by],
    }
    if flt is not None:
        request["Filter"] = flt
    return request


class CostTable(Protocol):
    """What a run needs from `cost_daily` (`CostStore` is the ClickHouse one)."""

    def final_days(self, start: date, end: date) -> set[date]: ...

    def current_rows(self, days: Sequence[date]) -> list[CostDailyRow]: ...

    def write(self, rows: Sequence[CostDailyRow]) -> int: ...


class CostExplorerCollector:
    """Collects `cost_daily` for the organisation the Cost Explorer client can see."""

    def __init__(
        self,
        api: CostExplorerApi,
        store: CostTable,
        settings: CostExplorerSettings,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._api = api
        self._store = store
        self._settings = settings
        self._clock = clock

    def run(self) -> CostRunResult:
        collected_at = self._clock()
        today = collected_at.astimezone(UTC).date()
        backfill_start = today - timedelta(days=self._settings.backfill_days)
        final = self._store.final_days(backfill_start, today)
        plan = plan_collection(today, self._settings, final)
        if plan.window is None:
            log.info(
                "cost_explorer: every day since %s is final; no request issued", backfill_start
            )
            return self._result(plan, rows_written=0, resource_level=False)
        log.info(
            "cost_explorer: collecting %d day(s) in [%s, %s) (%d already final)",
            len(plan.days),
            plan.window.start,
            plan.window.end,
            len(final),
        )
        discovery = self._fetch(
            _request(plan.window, ("LINKED_ACCOUNT", "SERVICE"), None),
            ("LINKED_ACCOUNT", "SERVICE"),
        )
        aggregates = self._fetch_detail(plan.window, discovery)
        resource_lines, scopes = self._fetch_resources(plan, discovery)
        rows = merge_rows(
            plan,
            aggregate_lines=aggregates,
            resource_lines=resource_lines,
            resource_scopes=scopes,
            existing=self._store.current_rows(plan.days),
            collected_at=collected_at,
        )
        written = self._store.write(rows)
        log.info(
            "cost_explorer: wrote %d row(s) for %d day(s) with %d request(s)",
            written,
            len(plan.days),
            self._api.calls,
        )
        return self._result(plan, rows_written=written, resource_level=bool(scopes))

    def _result(
        self, plan: CollectionPlan, *, rows_written: int, resource_level: bool
    ) -> CostRunResult:
        return CostRunResult(
            rows_written=rows_written,
            api_calls=self._api.calls,
            days_collected=len(plan.days),
            window_start=plan.window.start if plan.window else None,
            window_end=plan.window.end if plan.window else None,
            resource_level=resource_level,
        )

    def _fetch(
        self,
        request: dict[str, Any],
        group_by: Sequence[str],
        fixed: dict[str, str] | None = None,
        *,
        with_resources: bool = False,
    ) -> list[CostLine]:
        fetch = (
            self._api.get_cost_and_usage_with_resources
            if with_resources
            else self._api.get_cost_and_usage
        )
        return list(
            lines_from_results(
                fetch(request), group_by, currency=self._settings.currency, fixed=fixed
            )
        )

    def _fetch_detail(self, window: DateWindow, discovery: Iterable[CostLine]) -> list[CostLine]:
        accounts = sorted({line.account_id for line in discovery})
        services = sorted({line.service_name for line in discovery})
        if len(services) <= len(accounts):
            split_key, split_values, group_by = (
                "SERVICE",
                services,
                ("LINKED_ACCOUNT", "USAGE_TYPE"),
            )
        else:
            split_key, split_values, group_by = (
                "LINKED_ACCOUNT",
                accounts,
                ("SERVICE", "USAGE_TYPE"),
            )
        lines: list[CostLine] = []
        for n, value in enumerate(split_values, start=1):
            lines.extend(
                self._fetch(
                    _request(window, group_by, _dimension(split_key, value)),
                    group_by,
                    {split_key: value},
                )
            )
            log.info(
                "cost_explorer: detail %d/%d (%s=%s): %d line(s) so far, %d request(s)",
                n,
                len(split_values),
                split_key,
                value,
                len(lines),
                self._api.calls,
            )
        return lines

    def _fetch_resources(
        self, plan: CollectionPlan, discovery: Iterable[CostLine]
    ) -> tuple[list[CostLine], set[ResourceScope]]:
        window = plan.resource_window
        if window is None:
            return [], set()
        wanted = set(self._settings.resource_services)
        pairs = sorted(
            {
                (line.account_id, line.service_name)
                for line in discovery
                if line.day in window and line.service_name in wanted
            }
        )
        group_by = ("RESOURCE_ID", "USAGE_TYPE")
        lines: list[CostLine] = []
        scopes: set[ResourceScope] = set()
        for account, service in pairs:
            flt = {"And": [_dimension("SERVICE", service), _dimension("LINKED_ACCOUNT", account)]}
            try:
                fetched = self._fetch(
                    _request(window, group_by, flt),
                    group_by,
                    {"SERVICE": service, "LINKED_ACCOUNT": account},
                    with_resources=True,
                )
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code")
                if code not in RESOURCE_DATA_UNAVAILABLE:
                    raise
                # Resource-level data is an opt-in of the payer account: without it no other
                # pair can succeed either, so stop spending requests on it.
                log.warning(
                    "cost_explorer: resource-level data unavailable (%s: %s); keeping the "
                    "account/service/usage-type rows only",
                    code,
                    exc.response.get("Error", {}).get("Message", ""),
                )
                return lines, scopes
            lines.extend(line for line in fetched if line.resource_id != NO_RESOURCE_ID)
            scopes.update((day, account, service) for day in window.days)
        return lines, scopes


def run_cost_collection(
    clickhouse: PoloClickHouse,
    session: boto3.Session,
    settings: CostExplorerSettings,
    *,
    payer_account: str,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> CostRunResult:
    """One run against the payer account, recorded in `collector_runs` (ok or error, with the
    number of billed requests even when the run failed)."""
    with collector_run(
        clickhouse, COLLECTOR_NAME, payer_account, settings.endpoint_region
    ) as recorder:
        client = session.client(
            "ce", region_name=settings.endpoint_region, config=NO_BOTOCORE_RETRIES
        )
        api = CostExplorerApi(client, max_calls=settings.max_api_calls)
        try:
            result = CostExplorerCollector(api, CostStore(clickhouse), settings, clock=clock).run()
        finally:
            recorder.api_calls = api.calls
        recorder.rows_written = result.rows_written
    return result
