"""Test helpers for the Cost Explorer collector.

moto serves `GetCostAndUsage` from a queue of canned results (its documented `ce` mechanism):
each distinct request body takes the next queued result, so a follow-up request carrying a
NextPageToken gets the next page. moto does not implement `GetCostAndUsageWithResources`; for
that one operation `serve_operation` answers through botocore's `before-call` hook, validating
each canned response against the real service model, and leaves every other call to moto.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.validate import validate_parameters
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.moto_api import _internal as moto_api

PAYER_ACCOUNT = DEFAULT_ACCOUNT_ID


def queue_ce_results(results: Sequence[Mapping[str, Any]]) -> None:
    """Queue GetCostAndUsage results in moto, in the order the collector will request them."""
    for result in results:
        moto_api.moto_api_backend.set_ce_cost_usage(
            result=json.loads(json.dumps(result)), account_id=PAYER_ACCOUNT
        )


class ServedOperation:
    """Canned answers for one boto3 operation; records every request it answered."""

    def __init__(
        self,
        target: Any,
        operation: str,
        answers: Sequence[Mapping[str, Any] | str | None],
        *,
        service: str = "ce",
    ) -> None:
        # A session's handlers are copied into every client it creates afterwards.
        if isinstance(target, boto3.Session):
            client, events = target.client(service, region_name="us-east-1"), target.events
        else:
            client, events = target, target.meta.events
        self._operation_model = client.meta.service_model.operation_model(operation)
        self._answers: deque[Mapping[str, Any] | str | None] = deque()
        self.requests: list[dict[str, Any]] = []
        self.add(*answers)
        service_id = client.meta.service_model.service_id.hyphenize()
        events.register(f"before-call.{service_id}.{operation}", self._answer)

    def _answer(
        self, params: Mapping[str, Any], **_: Any
    ) -> tuple[AWSResponse, dict[str, Any]] | None:
        self.requests.append(json.loads(params["body"]))
        if not self._answers:
            raise AssertionError(f"unexpected extra {self._operation_model.name} request")
        answer = self._answers.popleft()
        if answer is None:
            return None
        if isinstance(answer, str):
            error = {
                "Error": {"Code": answer, "Message": f"injected {answer}"},
                "ResponseMetadata": {"HTTPStatusCode": 400},
            }
            return AWSResponse(None, 400, {}, None), error
        response = {**answer, "ResponseMetadata": {"HTTPStatusCode": 200}}
        return AWSResponse(None, 200, {}, None), response

    def add(self, *answers: Mapping[str, Any] | str | None) -> None:
        """Queue more answers (e.g. for the next run of a multi-run test)."""
        for answer in answers:
            if isinstance(answer, Mapping):
                validate_parameters(dict(answer), self._operation_model.output_shape)
            self._answers.append(answer)

    @property
    def pending(self) -> int:
        return len(self._answers)


def serve_operation(
    target: Any,
    operation: str,
    answers: Sequence[Mapping[str, Any] | str | None],
    *,
    service: str = "ce",
) -> ServedOperation:
    """Answer `operation` of `target` (a client, or a session: then of every `service` client
    it creates later) with `answers` in order: a dict is the response, a str an error code
    (the fault injected), None lets the request through to moto. The lifecycle tests reuse it
    for CloudTrail LookupEvents, which moto does not implement either."""
    return ServedOperation(target, operation, answers, service=service)


@pytest.fixture
def ce_client() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("ce", region_name="us-east-1")


def ce_group(
    *keys: str,
    billed: str = "1.00",
    effective: str | None = None,
    quantity: str = "1",
    unit: str = "Hrs",
    currency: str = "USD",
) -> dict[str, Any]:
    """One Cost Explorer group with the three metrics the collector requests."""
    return {
        "Keys": list(keys),
        "Metrics": {
            "UnblendedCost": {"Amount": billed, "Unit": currency},
            "AmortizedCost": {
                "Amount": billed if effective is None else effective,
                "Unit": currency,
            },
            "UsageQuantity": {"Amount": quantity, "Unit": unit},
        },
    }


def ce_day(day: str, groups: Sequence[Mapping[str, Any]], *, estimated: bool = False) -> dict:
    start = date.fromisoformat(day)
    return {
        "TimePeriod": {"Start": day, "End": (start + timedelta(days=1)).isoformat()},
        "Total": {},
        "Groups": list(groups),
        "Estimated": estimated,
    }


def ce_page(*days: Mapping[str, Any], token: str | None = None) -> dict[str, Any]:
    page: dict[str, Any] = {"ResultsByTime": list(days), "DimensionValueAttributes": []}
    if token:
        page["NextPageToken"] = token
    return page
