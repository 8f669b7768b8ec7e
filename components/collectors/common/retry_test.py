from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError

from collectors.common import retry
from collectors.common.retry import (
    THROTTLING_CODES,
    ThrottlePolicy,
    call_with_retry,
    is_throttling,
    paginate,
    paginate_items,
)
from testing.moto_fleet import ThrottleInjector, moto_aws

NO_WAIT = ThrottlePolicy(max_attempts=4, initial_wait_seconds=0, max_wait_seconds=0)


@pytest.fixture
def ec2() -> Iterator[object]:
    with moto_aws():
        client = boto3.client("ec2", region_name="us-east-1")
        for _ in range(12):  # one reservation each: moto pages DescribeInstances by reservation
            client.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)
        yield client


@pytest.fixture(autouse=True)
def no_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry, "DEFAULT_POLICY", NO_WAIT)


def _error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "x"}}, "DescribeVolumes")


def test_throttling_codes() -> None:
    assert {"Throttling", "ThrottlingException", "RequestLimitExceeded",
            "TooManyRequestsException"} <= THROTTLING_CODES  # fmt: skip
    assert is_throttling(_error("RequestLimitExceeded"))
    assert not is_throttling(_error("AccessDenied"))
    assert not is_throttling(ValueError("Throttling"))


def test_paginates_every_item_in_chunks(ec2: object) -> None:
    chunks = list(paginate(ec2, "describe_instances", chunk_items=5, page_size=5))
    assert [len(c["Reservations"]) for c in chunks] == [5, 5, 2]
    ids = [r["ReservationId"] for c in chunks for r in c["Reservations"]]
    assert len(set(ids)) == 12


def test_throttled_page_mid_listing_is_retried_and_resumed(ec2: object) -> None:
    answer = ec2.describe_instances()  # type: ignore[attr-defined]
    expected = [r["ReservationId"] for r in answer["Reservations"]]
    throttle = ThrottleInjector(times=2, after=1).attach(
        ec2.meta.events,
        "ec2",
        "DescribeInstances",  # type: ignore[attr-defined]
    )
    items = paginate_items(ec2, "describe_instances", "Reservations", chunk_items=5, page_size=5)
    ids = [r["ReservationId"] for r in items]
    assert sorted(ids) == sorted(expected)  # every reservation, none twice
    assert throttle.failed == 2
    # page 1, two throttled tries of page 2, then pages 2 and 3: the first page was not
    # fetched again, the retries resumed from its token.
    assert len(throttle.calls) == 5
    assert "NextToken" not in throttle.calls[0]
    assert all("NextToken" in call for call in throttle.calls[1:])
    assert throttle.calls[1] == throttle.calls[2] == throttle.calls[3]


def test_gives_up_after_the_policy_attempts(ec2: object) -> None:
    throttle = ThrottleInjector(times=10, code="RequestLimitExceeded").attach(
        ec2.meta.events,
        "ec2",
        "DescribeVolumes",  # type: ignore[attr-defined]
    )
    with pytest.raises(ClientError, match="RequestLimitExceeded"):
        paginate_items(ec2, "describe_volumes", "Volumes")
    assert throttle.failed == NO_WAIT.max_attempts


def test_other_errors_are_not_retried(ec2: object) -> None:
    calls = []

    def denied() -> None:
        calls.append(1)
        raise _error("UnauthorizedOperation")

    with pytest.raises(ClientError, match="UnauthorizedOperation"):
        call_with_retry(denied)
    assert len(calls) == 1


def test_call_with_retry_returns_the_answer_after_throttling() -> None:
    answers = iter([_error("Throttling"), _error("TooManyRequestsException"), "ok"])

    def flaky() -> str:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert call_with_retry(flaky) == "ok"
