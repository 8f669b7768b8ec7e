"""ClickHouse connection settings of a deployed Lambda, from Secrets Manager and SSM.

The CDK app (infra/polo) gives each function, instead of a URL with a password:

| variable | meaning |
|---|---|
| `POLO_CLICKHOUSE_ENDPOINT` | `https://<private dns>:8443/polo`, no credentials |
| `POLO_CLICKHOUSE_SECRET_ARN` | the ClickHouse user's secret: JSON `{"username", "password"}` |
| `POLO_CLICKHOUSE_CA_PARAMETER` | SSM parameter holding the server's self-signed certificate |

`configure(environ)` reads them and sets `POLO_CLICKHOUSE_URL` (what every Polo tool resolves;
`clickhouse.client.resolve_url` calls it first, so collectors and jobs need nothing else)
and `SSL_CERT_FILE` (the certificate written to /tmp, which OpenSSL then trusts for the
driver's default TLS context). An explicit `POLO_CLICKHOUSE_URL` wins and nothing is fetched.
"""

from __future__ import annotations

import json
import os
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

ENV_ENDPOINT = "POLO_CLICKHOUSE_ENDPOINT"
ENV_SECRET = "POLO_CLICKHOUSE_SECRET_ARN"
ENV_CA_PARAMETER = "POLO_CLICKHOUSE_CA_PARAMETER"
ENV_URL = "POLO_CLICKHOUSE_URL"
DEFAULT_CA_FILE = Path("/tmp/polo-clickhouse-ca.pem")


class RemoteConfigError(RuntimeError):
    pass


def url_with_credentials(endpoint: str, username: str, password: str) -> str:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteConfigError(f"{ENV_ENDPOINT}={endpoint!r} is not an http(s) URL")
    netloc = f"{quote(username, safe='')}:{quote(password, safe='')}@{parts.hostname}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def read_credentials(secret_id: str, secrets_client: Any) -> tuple[str, str]:
    raw = secrets_client.get_secret_value(SecretId=secret_id)["SecretString"]
    try:
        value = json.loads(raw)
        return str(value["username"]), str(value["password"])
    except (ValueError, KeyError, TypeError):
        raise RemoteConfigError(
            f"secret {secret_id} is not JSON with 'username' and 'password'"
        ) from None


def configure(
    environ: MutableMapping[str, str] | None = None,
    *,
    secrets_client: Any = None,
    ssm_client: Any = None,
    ca_file: Path = DEFAULT_CA_FILE,
) -> bool:
    """Set POLO_CLICKHOUSE_URL (and SSL_CERT_FILE) from the deployment's secret; True if it did."""
    environ = os.environ if environ is None else environ
    if environ.get(ENV_URL) or not environ.get(ENV_SECRET):
        return False
    endpoint = environ.get(ENV_ENDPOINT, "").strip()
    if not endpoint:
        raise RemoteConfigError(f"{ENV_SECRET} is set but {ENV_ENDPOINT} is not")
    if secrets_client is None or (ssm_client is None and environ.get(ENV_CA_PARAMETER)):
        import boto3

        secrets_client = secrets_client or boto3.client("secretsmanager")
        ssm_client = ssm_client or boto3.client("ssm")
    username, password = read_credentials(environ[ENV_SECRET], secrets_client)
    parameter = environ.get(ENV_CA_PARAMETER, "").strip()
    if parameter:
        pem = ssm_client.get_parameter(Name=parameter)["Parameter"]["Value"]
        if "BEGIN CERTIFICATE" not in pem:
            raise RemoteConfigError(f"SSM parameter {parameter} holds no PEM certificate")
        ca_file.write_text(pem if pem.endswith("\n") else pem + "\n")
        environ["SSL_CERT_FILE"] = str(ca_file)
    environ[ENV_URL] = url_with_credentials(endpoint, username, password)
    return True
