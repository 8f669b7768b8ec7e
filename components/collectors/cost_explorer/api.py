"""Paginated, counted and budgeted Cost Explorer requests.

Every Cost Explorer request is billed ($0.01 each), so this wrapper is the only place that issues
them: it counts each attempt (retries included), refuses to go past the run's budget, follows
`NextPageToken`, and retries throttling itself with exponential backoff. The boto3 client should
be built with botocore's own retries off (`NO_BOTOCORE_RETRIES`), otherwise botocore would issue
requests this counter never sees.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

log = logging.getLogger(__name__)

NO_BOTOCORE_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})
PRICE_PER_REQUEST_USD = "0.01"

THROTTLING_CODES = frozenset(
    {"LimitExceededException", "ThrottlingException", "Throttling", "TooManyRequestsException"}
)


class ApiBudgetExceeded(RuntimeError):
    """The run would issue more Cost Explorer requests than `max_api_calls` allows."""


def is_throttling(exc: BaseException) -> bool:
    return isinstance(exc, ClientError) and exc.response.get("Error", {}).get("Code") in (
        THROTTLING_CODES
    )


class CostExplorerApi:
    """Issues GetCostAndUsage[WithResources] page by page and counts every request."""

    def __init__(
        self,
        client: Any,
        *,
        max_calls: int,
        max_attempts: int = 6,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._max_calls = max_calls
        self._max_attempts = max_attempts
        self._sleep = sleep
        self.calls = 0

    def get_cost_and_usage(self, request: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        """Every `ResultsByTime` entry of the request, across all pages."""
        return self._paginate(self._client.get_cost_and_usage, request)

    def get_cost_and_usage_with_resources(
        self, request: Mapping[str, Any]
    ) -> Iterator[dict[str, Any]]:
        """Every `ResultsByTime` entry of a resource-level request, across all pages."""
        return self._paginate(self._client.get_cost_and_usage_with_resources, request)

    def _paginate(
        self, operation: Callable[..., dict[str, Any]], request: Mapping[str, Any]
    ) -> Iterator[dict[str, Any]]:
        token: str | None = None
        while True:
            params = dict(request)
            if token:
                params["NextPageToken"] = token
            page = self._call(operation, params)
            yield from page.get("ResultsByTime", [])
            token = page.get("NextPageToken")
            if not token:
                return

    def _call(
        self, operation: Callable[..., dict[str, Any]], params: dict[str, Any]
    ) -> dict[str, Any]:
        retrying = Retrying(
            retry=retry_if_exception(is_throttling),
            wait=wait_exponential_jitter(initial=1, max=30),
            stop=stop_after_attempt(self._max_attempts),
            sleep=self._sleep,
            before_sleep=lambda state: log.warning(
                "Cost Explorer throttled (attempt %d), backing off", state.attempt_number
            ),
            reraise=True,
        )
        return retrying(self._attempt, operation, params)

    def _attempt(
        self, operation: Callable[..., dict[str, Any]], params: dict[str, Any]
    ) -> dict[str, Any]:
        if self.calls >= self._max_calls:
            raise ApiBudgetExceeded(
                f"Cost Explorer request budget of {self._max_calls} reached "
                f"(${PRICE_PER_REQUEST_USD} each); raise max_api_calls to collect more"
            )
        self.calls += 1
        return operation(**params)
