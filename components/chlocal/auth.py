"""Who may talk to the endpoint: one configured user, checked the ways ClickHouse accepts.

ClickHouse reads credentials from `X-ClickHouse-User`/`X-ClickHouse-Key`, from HTTP basic auth
and from `user`/`password` URL parameters. Bound to loopback the endpoint also accepts requests
without credentials (and ClickHouse's anonymous `default` user with an empty password), so
`curl` and `clickhouse_connect.get_client(host=..., port=...)` work out of the box; bound to
any other address credentials are required unless explicitly turned off.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from chlocal.errors import ClickHouseException

DEFAULT_USER = "polo"
DEFAULT_PASSWORD = "polo"
ANONYMOUS_USER = "default"


class Credentials(BaseModel):
    model_config = ConfigDict(frozen=True)

    user: str
    password: str


class AuthPolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    credentials: Credentials = Credentials(user=DEFAULT_USER, password=DEFAULT_PASSWORD)
    require: bool


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def default_policy(host: str, credentials: Credentials | None = None) -> AuthPolicy:
    """Credentials are required by default whenever the endpoint is reachable off this host."""
    return AuthPolicy(
        credentials=credentials or Credentials(user=DEFAULT_USER, password=DEFAULT_PASSWORD),
        require=not is_loopback(host),
    )


def presented_credentials(
    headers: Mapping[str, str], params: Mapping[str, str]
) -> Credentials | None:
    """The credentials a request carries, in ClickHouse's order of precedence."""
    user = headers.get("x-clickhouse-user")
    if user is not None:
        return Credentials(user=user, password=headers.get("x-clickhouse-key", ""))
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise ClickHouseException.of(
                "AUTHENTICATION_FAILED", "Malformed basic authorization header"
            ) from exc
        user, _, password = decoded.partition(":")
        return Credentials(user=user, password=password)
    if "user" in params:
        return Credentials(user=params["user"], password=params.get("password", ""))
    return None


def authenticate(policy: AuthPolicy, presented: Credentials | None) -> str:
    """The authenticated user name, or a ClickHouse authentication error."""
    expected = policy.credentials
    if presented is None or (
        presented.user == ANONYMOUS_USER and presented.password == "" and expected.user != ""
    ):
        if policy.require:
            raise ClickHouseException.of(
                "REQUIRED_PASSWORD",
                "This endpoint requires a user and password "
                "(X-ClickHouse-User/X-ClickHouse-Key or basic auth)",
            )
        return ANONYMOUS_USER
    user_ok = hmac.compare_digest(presented.user.encode(), expected.user.encode())
    password_ok = hmac.compare_digest(presented.password.encode(), expected.password.encode())
    if not (user_ok and password_ok):
        raise ClickHouseException.of(
            "AUTHENTICATION_FAILED",
            f"{presented.user}: Authentication failed: password is incorrect, "
            "or there is no user with such name",
        )
    return presented.user
