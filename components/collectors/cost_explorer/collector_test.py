"""The request design of a run, against moto's Cost Explorer (GetCostAndUsage from its queue of
canned results; GetCostAndUsageWithResources, which moto lacks, answered by `serve_operation`).

`cost_daily` here is a small in-memory stand-in with the same FINAL semantics; the real table is
exercised in collector_integration_test.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from collectors.cost_explorer.api import CostExplorerApi
from collectors.cost_explorer.collector import CostExplorerCollector
from collectors.cost_explorer.conftest import (
    ce_day,
    ce_group,
    ce_page,
    queue_ce_results,
    serve_operation,
)
from collectors.cost_explorer.rows import CostDailyRow, CostKey
from collectors.cost_explorer.settings import EC2_COMPUTE, CostExplorerSettings

NOW = datetime(2024, 3, 20, 6, 0, tzinfo=UTC)
A1, A2 = "111111111111", "222222222222"
S3 = "Amazon Simple Storage Service"
BOX = "USE1-BoxUsage:m5.large"
SETTINGS = CostExplorerSettings(backfill_days=2, provisional_days=1)
DAY1, DAY2 = "2024-03-18", "2024-03-19"


class MemoryStore:
    """`CostStore`'s three methods over a list, latest `collected_at` per key winning."""

    def __init__(self) -> None:
        self.inserted: list[CostDailyRow] = []

    def latest(self) -> dict[CostKey, CostDailyRow]:
        rows: dict[CostKey, CostDailyRow] = {}
        for row in sorted(self.inserted, key=lambda r: r.collected_at):
            rows[row.key] = row
        return rows

    def final_days(self, start: date, end: date) -> set[date]:
        days: dict[date, bool] = {}
        for row in self.latest().values():
            if start <= row.charge_period_start < end:
                days[row.charge_period_start] = (
                    days.get(row.charge_period_start, True) and not row.is_provisional
                )
        return {day for day, final in days.items() if final}

    def current_rows(self, days: Sequence[date]) -> list[CostDailyRow]:
        return [r for r in self.latest().values() if r.charge_period_start in days]

    def write(self, rows: Sequence[CostDailyRow]) -> int:
        self.inserted.extend(rows)
        return len(rows)


def run(ce_client: Any, store: MemoryStore, settings: CostExplorerSettings = SETTINGS) -> Any:
    api = CostExplorerApi(ce_client, max_calls=settings.max_api_calls)
    return CostExplorerCollector(api, store, settings, clock=lambda: NOW).run()


def discovery() -> dict[str, Any]:
    return ce_page(
        ce_day(DAY1, [ce_group(A1, EC2_COMPUTE), ce_group(A1, S3), ce_group(A2, EC2_COMPUTE)]),
        ce_day(DAY2, [ce_group(A1, EC2_COMPUTE)], estimated=True),
    )


def ec2_detail_pages() -> list[dict[str, Any]]:
    return [
        ce_page(
            ce_day(
                DAY1,
                [
                    ce_group(A1, BOX, billed="4.0000004", quantity="24"),
                    ce_group(A2, BOX, billed="2.5", quantity="12"),
                ],
            ),
            token="ec2-2",
        ),
        ce_page(ce_day(DAY2, [ce_group(A1, BOX, billed="3", quantity="18")], estimated=True)),
    ]


def s3_detail() -> dict[str, Any]:
    return ce_page(
        ce_day(
            DAY1,
            [ce_group(A1, "USE1-TimedStorage-ByteHrs", billed="0.23", quantity="10", unit="GB-Mo")],
        ),
        ce_day(DAY2, []),
    )


def test_a_run_discovers_then_splits_on_the_smaller_dimension_and_adds_resources(ce_client) -> None:
    queue_ce_results([discovery(), *ec2_detail_pages(), s3_detail()])
    resources = serve_operation(
        ce_client,
        "GetCostAndUsageWithResources",
        [
            ce_page(
                ce_day(
                    DAY1,
                    [
                        ce_group("i-aaa", BOX, billed="3", quantity="18"),
                        ce_group("NoResourceId", BOX, billed="1", quantity="6"),
                    ],
                ),
                ce_day(DAY2, [ce_group("i-aaa", BOX, billed="3", quantity="18")], estimated=True),
            ),
            ce_page(
                ce_day(DAY1, [ce_group("i-bbb", BOX, billed="2.5", quantity="12")]),
                ce_day(DAY2, []),
            ),
        ],
    )
    store = MemoryStore()
    result = run(ce_client, store)

    # 1 discovery + 2 EC2 pages + 1 S3 (2 services <= 2 accounts: split per service) + 2 resource
    assert result.api_calls == 6
    assert result.resource_level
    assert [r["Filter"]["And"][1]["Dimensions"]["Values"] for r in resources.requests] == [
        [A1],
        [A2],
    ]
    rows = {
        (r.charge_period_start.isoformat(), r.account_id, r.service_name, r.resource_id): r
        for r in store.inserted
    }
    assert {k: v.billed_cost for k, v in rows.items()} == {
        (DAY1, A1, EC2_COMPUTE, "i-aaa"): Decimal("3"),
        (DAY1, A1, EC2_COMPUTE, ""): Decimal("1.000000"),  # 4.000000 rounded, minus i-aaa
        (DAY1, A2, EC2_COMPUTE, "i-bbb"): Decimal("2.5"),
        (DAY1, A1, S3, ""): Decimal("0.23"),
        (DAY2, A1, EC2_COMPUTE, "i-aaa"): Decimal("3"),
    }
    assert rows[(DAY1, A1, S3, "")].pricing_unit == "GB-Mo"
    assert rows[(DAY1, A1, S3, "")].region == "us-east-1"
    # Mar 18 is outside the 1 trailing provisional day but in the current month: provisional.
    assert all(r.is_provisional for r in store.inserted)
    assert result.rows_written == 5


def test_more_services_than_accounts_splits_per_account(ce_client) -> None:
    queue_ce_results(
        [
            ce_page(ce_day(DAY1, [ce_group(A1, EC2_COMPUTE), ce_group(A1, S3)]), ce_day(DAY2, [])),
            ce_page(
                ce_day(
                    DAY1,
                    [
                        ce_group(EC2_COMPUTE, BOX, billed="1"),
                        ce_group(S3, "USE1-Requests-Tier1", billed="0.005"),
                    ],
                ),
                ce_day(DAY2, []),
            ),
        ]
    )
    store = MemoryStore()
    result = run(ce_client, store, SETTINGS.model_copy(update={"resource_services": ()}))
    assert result.api_calls == 2
    assert {
        (r.account_id, r.service_name, r.usage_type, r.billed_cost) for r in store.inserted
    } == {
        (A1, EC2_COMPUTE, BOX, Decimal("1")),
        (A1, S3, "USE1-Requests-Tier1", Decimal("0.005")),
    }


def test_unavailable_resource_data_costs_one_request_and_keeps_the_aggregates(ce_client) -> None:
    queue_ce_results([discovery(), *ec2_detail_pages(), s3_detail()])
    resources = serve_operation(
        ce_client, "GetCostAndUsageWithResources", ["DataUnavailableException"]
    )
    store = MemoryStore()
    result = run(ce_client, store)
    assert result.api_calls == 5
    assert not result.resource_level
    assert len(resources.requests) == 1
    assert {r.resource_id for r in store.inserted} == {""}
    assert sum(r.billed_cost for r in store.inserted) == Decimal("9.730000")


def test_days_already_final_are_not_requested(ce_client) -> None:
    store = MemoryStore()
    for day in (date(2024, 3, 18), date(2024, 3, 19)):
        store.inserted.append(
            CostDailyRow(
                charge_period_start=day,
                account_id=A1,
                region="",
                service_name=S3,
                usage_type="U",
                resource_id="",
                billed_cost=Decimal(1),
                effective_cost=Decimal(1),
                consumed_quantity=Decimal(1),
                pricing_unit="",
                is_provisional=False,
                collected_at=NOW - timedelta(hours=1),
            )
        )
    result = run(ce_client, store)
    assert result.api_calls == 0
    assert result.rows_written == 0
    assert result.window_start is None
