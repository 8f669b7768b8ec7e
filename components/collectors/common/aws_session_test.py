from __future__ import annotations

from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from collectors.common.aws_session import (
    AssumeRoleError,
    RetrySettings,
    assume_role,
    count_api_calls,
    make_session,
)
from testing.moto_fleet import ThrottleInjector, moto_aws


@pytest.fixture
def aws() -> Iterator[None]:
    with moto_aws():
        yield


def test_sessions_carry_the_botocore_retry_mode(aws: None) -> None:
    session = make_session(region="eu-west-1", retry=RetrySettings("adaptive", 9))
    client = session.client("ec2")
    assert client.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 9}
    assert "polo-collector" in client.meta.config.user_agent_extra
    default = make_session(region="eu-west-1").client("ec2")
    assert default.meta.config.retries == {"mode": "standard", "total_max_attempts": 5}


def test_assume_role_lands_in_the_target_account(aws: None) -> None:
    base = make_session(region="us-east-1")
    creds = assume_role(base, "210987654321", "PoloReadRole", region="us-east-1")
    session = make_session(creds, region="us-east-1")
    identity = session.client("sts").get_caller_identity()
    assert identity["Account"] == "210987654321"
    assert ":assumed-role/PoloReadRole/" in identity["Arn"]


def test_assume_role_sends_external_id_and_partition_aware_arn(aws: None) -> None:
    base = make_session(region="us-gov-west-1")
    seen = ThrottleInjector(times=0).attach(base.events, "sts", "AssumeRole")
    assume_role(base, "210987654321", "PoloReadRole", region="us-gov-west-1", external_id="ext-123")
    assert seen.calls[0]["RoleArn"] == "arn:aws-us-gov:iam::210987654321:role/PoloReadRole"
    assert seen.calls[0]["ExternalId"] == "ext-123"


def test_denied_assume_role_names_account_and_role(aws: None) -> None:
    base = make_session(region="us-east-1")

    def deny(model: object, **_: object) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDenied", "Message": "not authorized"}}, "AssumeRole"
        )

    base.events.register("before-call.sts.AssumeRole", deny)
    with pytest.raises(
        AssumeRoleError, match=r"arn:aws:iam::210987654321:role/PoloReadRole.*AccessDenied"
    ):
        assume_role(base, "210987654321", "PoloReadRole", region="us-east-1")


def test_counts_api_calls_of_clients_created_after(aws: None) -> None:
    session = make_session(region="us-east-1")
    counter = count_api_calls(session)
    ec2 = session.client("ec2")
    ec2.describe_vpcs()
    ec2.describe_subnets()
    session.client("sts").get_caller_identity()
    assert counter.count == 3
