"""boto3 sessions for target accounts: STS AssumeRole into the read role, retry config, call counts.

Every session built here carries botocore's retry configuration as its default client config,
so each client a collector creates (`session.client("ec2", region_name=...)`) retries in the
configured mode without the collector knowing about it. `count_api_calls` counts the calls made
through a session for `collector_runs.api_calls`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.loaders
import botocore.session
from botocore.config import Config

from collectors.common.arn import iam_role_arn, partition_for_region
from collectors.common.config import DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_MODE
from collectors.common.retry import ThrottlePolicy, call_with_retry

USER_AGENT_EXTRA = "polo-collector"

# One data loader for every session: a fresh botocore session would otherwise parse each
# service model (the EC2 one is megabytes of JSON) again for every account and region.
_SHARED_LOADER = botocore.loaders.create_loader()


@dataclass(frozen=True)
class RetrySettings:
    """botocore retry mode and attempt budget (total tries, the first one included) for every
    client of a session."""

    mode: str = DEFAULT_RETRY_MODE
    max_attempts: int = DEFAULT_MAX_ATTEMPTS

    def client_config(self) -> Config:
        return Config(
            retries={"mode": self.mode, "total_max_attempts": self.max_attempts},
            user_agent_extra=USER_AGENT_EXTRA,
        )


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str | None = None


class AssumeRoleError(RuntimeError):
    """AssumeRole into a target account failed; the message names account, role and cause."""


def make_session(
    credentials: Credentials | None = None,
    *,
    region: str | None = None,
    retry: RetrySettings | None = None,
) -> boto3.Session:
    """A boto3 session with Polo's retry config; default credential chain when none are given."""
    core = botocore.session.get_session()
    core.register_component("data_loader", _SHARED_LOADER)
    core.set_default_client_config((retry or RetrySettings()).client_config())
    if credentials is None:
        return boto3.Session(botocore_session=core, region_name=region)
    return boto3.Session(
        aws_access_key_id=credentials.access_key_id,
        aws_secret_access_key=credentials.secret_access_key,
        aws_session_token=credentials.session_token,
        botocore_session=core,
        region_name=region,
    )


def assume_role(
    base: boto3.Session,
    account_id: str,
    role_name: str,
    *,
    region: str,
    external_id: str | None = None,
    session_name: str = "polo-collector",
    policy: ThrottlePolicy | None = None,
) -> Credentials:
    """Temporary credentials for `arn:<partition>:iam::<account>:role/<role_name>`.

    The partition (and the regional STS endpoint) follow `region`, so GovCloud and China
    accounts work with the same code.
    """
    role_arn = iam_role_arn(partition_for_region(region), account_id, role_name)
    sts = base.client("sts", region_name=region)
    params: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": session_name[:64]}
    if external_id:
        params["ExternalId"] = external_id
    try:
        response = call_with_retry(sts.assume_role, policy=policy, **params)
    except Exception as exc:
        raise AssumeRoleError(f"cannot assume {role_arn}: {exc}") from exc
    creds = response["Credentials"]
    return Credentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])


class ApiCallCounter:
    """Counts AWS API calls made through one session (botocore `before-call` event)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0

    def __call__(self, **_: Any) -> None:
        with self._lock:
            self.count += 1


def count_api_calls(session: boto3.Session) -> ApiCallCounter:
    """Attach a counter to `session`; clients created afterwards report every call to it."""
    counter = ApiCallCounter()
    session.events.register("before-call", counter)
    return counter
