from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from collectors.cost_explorer.api import ApiBudgetExceeded, CostExplorerApi
from collectors.cost_explorer.conftest import (
    ce_day,
    ce_group,
    ce_page,
    queue_ce_results,
    serve_operation,
)

REQUEST = {
    "TimePeriod": {"Start": "2024-03-01", "End": "2024-03-04"},
    "Granularity": "DAILY",
    "Metrics": ["UnblendedCost", "AmortizedCost", "UsageQuantity"],
    "GroupBy": [
        {"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"},
        {"Type": "DIMENSION", "Key": "SERVICE"},
    ],
}
RESOURCE_REQUEST = {**REQUEST, "Filter": {"Dimensions": {"Key": "SERVICE", "Values": ["EC2"]}}}


def three_pages() -> list[dict[str, Any]]:
    return [
        ce_page(ce_day("2024-03-01", [ce_group("111111111111", "EC2")]), token="page-2"),
        ce_page(ce_day("2024-03-02", [ce_group("111111111111", "EC2")]), token="page-3"),
        ce_page(ce_day("2024-03-03", [ce_group("111111111111", "EC2")])),
    ]


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_follows_next_page_token_through_every_page_and_counts_each_request(ce_client) -> None:
    queue_ce_results(three_pages())
    api = CostExplorerApi(ce_client, max_calls=10)
    days = [entry["TimePeriod"]["Start"] for entry in api.get_cost_and_usage(REQUEST)]
    assert days == ["2024-03-01", "2024-03-02", "2024-03-03"]
    assert api.calls == 3


def test_refuses_to_exceed_the_request_budget(ce_client) -> None:
    queue_ce_results(three_pages())
    api = CostExplorerApi(ce_client, max_calls=2)
    with pytest.raises(ApiBudgetExceeded, match="budget of 2"):
        list(api.get_cost_and_usage(REQUEST))
    assert api.calls == 2


def test_throttling_is_retried_with_backoff_and_no_page_is_lost(ce_client) -> None:
    queue_ce_results(three_pages())
    # The fault: the second page is throttled once before moto answers it.
    fault = serve_operation(
        ce_client, "GetCostAndUsage", [None, "LimitExceededException", None, None]
    )
    sleeps = Sleeps()
    api = CostExplorerApi(ce_client, max_calls=10, sleep=sleeps)
    days = [entry["TimePeriod"]["Start"] for entry in api.get_cost_and_usage(REQUEST)]
    assert days == ["2024-03-01", "2024-03-02", "2024-03-03"]
    assert api.calls == 4  # the throttled attempt counts: it is a request AWS saw
    assert len(sleeps) == 1 and sleeps[0] >= 1
    assert fault.requests[1] == fault.requests[2]  # the same page was asked for again
    assert fault.requests[1]["NextPageToken"] == "page-2"


def test_persistent_throttling_gives_up_after_the_attempt_limit(ce_client) -> None:
    serve_operation(ce_client, "GetCostAndUsage", ["ThrottlingException"] * 3)
    sleeps = Sleeps()
    api = CostExplorerApi(ce_client, max_calls=10, max_attempts=3, sleep=sleeps)
    with pytest.raises(ClientError, match="ThrottlingException"):
        list(api.get_cost_and_usage(REQUEST))
    assert api.calls == 3
    assert len(sleeps) == 2


def test_other_errors_are_not_retried(ce_client) -> None:
    serve_operation(ce_client, "GetCostAndUsage", ["ValidationException"])
    api = CostExplorerApi(ce_client, max_calls=10, sleep=Sleeps())
    with pytest.raises(ClientError, match="ValidationException"):
        list(api.get_cost_and_usage(REQUEST))
    assert api.calls == 1


def test_resource_level_requests_are_paginated_too(ce_client) -> None:
    served = serve_operation(ce_client, "GetCostAndUsageWithResources", three_pages())
    api = CostExplorerApi(ce_client, max_calls=10)
    assert len(list(api.get_cost_and_usage_with_resources(RESOURCE_REQUEST))) == 3
    assert [r.get("NextPageToken") for r in served.requests] == [None, "page-2", "page-3"]
    assert api.calls == 3
