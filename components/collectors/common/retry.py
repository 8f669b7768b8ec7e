"""Retry of throttled AWS calls and throttling-safe pagination.

Two layers protect every AWS call:
1. botocore's own retry mode (`standard` or `adaptive`, `max_attempts`), configured on every
   session by `collectors.common.aws_session`; it retries inside one API call.
2. This module: when botocore gives up on a throttling error (`Throttling`,
   `ThrottlingException`, `RequestLimitExceeded`, `TooManyRequestsException`, …), tenacity waits
   with exponential backoff and full jitter and tries again. Pagination resumes from the last
   page that succeeded instead of starting over, so a throttled listing loses nothing and
   repeats at most one chunk.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from botocore.exceptions import ClientError
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

log = logging.getLogger(__name__)

THROTTLING_CODES: frozenset[str] = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
        "PriorRequestNotComplete",
    }
)

T = TypeVar("T")


@dataclass(frozen=True)
class ThrottlePolicy:
    """How long to keep retrying throttled calls after botocore gave up."""

    max_attempts: int = 6
    initial_wait_seconds: float = 1.0
    max_wait_seconds: float = 30.0


DEFAULT_POLICY = ThrottlePolicy()


def is_throttling(exc: BaseException) -> bool:
    """True for a botocore `ClientError` whose error code means 'slow down'."""
    if not isinstance(exc, ClientError):
        return False
    return exc.response.get("Error", {}).get("Code", "") in THROTTLING_CODES


def _log_retry(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    log.warning(
        "throttled (%s), attempt %d, retrying in %.1f s",
        exc.response["Error"]["Code"] if isinstance(exc, ClientError) else exc,
        state.attempt_number,
        wait,
    )


def retrying(policy: ThrottlePolicy | None = None) -> Retrying:
    """A tenacity `Retrying` that retries throttling errors only and re-raises the last one."""
    policy = policy or DEFAULT_POLICY
    return Retrying(
        retry=retry_if_exception(is_throttling),
        stop=stop_after_attempt(policy.max_attempts),
        wait=wait_random_exponential(
            multiplier=policy.initial_wait_seconds, max=policy.max_wait_seconds
        ),
        before_sleep=_log_retry,
        reraise=True,
    )


def call_with_retry(
    fn: Callable[..., T], *args: Any, policy: ThrottlePolicy | None = None, **kwargs: Any
) -> T:
    """Call `fn(*args, **kwargs)`, retrying throttling errors per `policy`."""
    return retrying(policy)(fn, *args, **kwargs)


# How many items one paginator run may return before we remember where we are. A throttling
# failure repeats at most this many items' worth of pages.
CHUNK_ITEMS = 1000


def paginate(
    client: Any,
    operation: str,
    *,
    policy: ThrottlePolicy | None = None,
    chunk_items: int = CHUNK_ITEMS,
    page_size: int | None = None,
    **kwargs: Any,
) -> Iterator[dict[str, Any]]:
    """Yield merged result chunks of a boto3 paginator, resuming after throttling.

    Each chunk is `paginator.paginate(...).build_full_result()` bounded by `MaxItems`; botocore
    hands back a `NextToken` resume token, which is where the next (or a retried) chunk starts.
    `page_size` sets the API's page size (default: the service's own).
    """
    paginator = client.get_paginator(operation)
    token: str | None = None
    while True:
        config: dict[str, Any] = {"MaxItems": chunk_items}
        if page_size is not None:
            config["PageSize"] = page_size
        if token is not None:
            config["StartingToken"] = token

        def fetch_chunk(config: dict[str, Any] = config) -> dict[str, Any]:
            return paginator.paginate(**kwargs, PaginationConfig=config).build_full_result()

        chunk = call_with_retry(fetch_chunk, policy=policy)
        token = chunk.pop("NextToken", None)
        yield chunk
        if token is None:
            return


def paginate_items(
    client: Any,
    operation: str,
    result_key: str,
    *,
    policy: ThrottlePolicy | None = None,
    chunk_items: int = CHUNK_ITEMS,
    page_size: int | None = None,
    **kwargs: Any,
) -> list[dict[str, Any]]:
    """Every item under `result_key` of a paginated operation (e.g. `Volumes`)."""
    items: list[dict[str, Any]] = []
    chunks = paginate(
        client, operation, policy=policy, chunk_items=chunk_items, page_size=page_size, **kwargs
    )
    for chunk in chunks:
        items.extend(chunk.get(result_key, []))
    return items
