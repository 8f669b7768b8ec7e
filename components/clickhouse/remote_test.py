from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from clickhouse.client import resolve_url
from clickhouse.remote import RemoteConfigError, configure, url_with_credentials

PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


@pytest.fixture
def aws():
    with mock_aws():
        secrets = boto3.client("secretsmanager", region_name="eu-west-1")
        ssm = boto3.client("ssm", region_name="eu-west-1")
        arn = secrets.create_secret(
            Name="polo-staging/clickhouse/polo_writer",
            SecretString=json.dumps({"username": "polo_writer", "password": "p@ss/w:rd"}),
        )["ARN"]
        ssm.put_parameter(Name="/polo/staging/clickhouse/tls-certificate", Value=PEM, Type="String")
        yield secrets, ssm, arn


def test_the_url_is_built_from_the_secret_and_the_certificate_trusted(aws, tmp_path: Path):
    secrets, ssm, arn = aws
    environ = {
        "POLO_CLICKHOUSE_ENDPOINT": "https://ip-10-60-1-5.ec2.internal:8443/polo",
        "POLO_CLICKHOUSE_SECRET_ARN": arn,
        "POLO_CLICKHOUSE_CA_PARAMETER": "/polo/staging/clickhouse/tls-certificate",
    }
    ca = tmp_path / "ca.pem"
    assert configure(environ, secrets_client=secrets, ssm_client=ssm, ca_file=ca)
    assert environ["POLO_CLICKHOUSE_URL"] == (
        "https://polo_writer:p%40ss%2Fw%3Ard@ip-10-60-1-5.ec2.internal:8443/polo"
    )
    assert environ["SSL_CERT_FILE"] == str(ca)
    assert ca.read_text() == PEM


def test_an_explicit_url_wins_and_nothing_is_fetched():
    environ = {"POLO_CLICKHOUSE_URL": "http://x:8123", "POLO_CLICKHOUSE_SECRET_ARN": "arn"}
    assert not configure(environ, secrets_client=object(), ssm_client=object())
    assert environ["POLO_CLICKHOUSE_URL"] == "http://x:8123"


def test_a_secret_without_an_endpoint_is_a_configuration_error(aws):
    secrets, ssm, arn = aws
    with pytest.raises(RemoteConfigError, match="POLO_CLICKHOUSE_ENDPOINT is not"):
        configure({"POLO_CLICKHOUSE_SECRET_ARN": arn}, secrets_client=secrets, ssm_client=ssm)


def test_a_malformed_secret_is_named(aws):
    secrets, ssm, _ = aws
    arn = secrets.create_secret(Name="bad", SecretString="not json")["ARN"]
    environ = {"POLO_CLICKHOUSE_ENDPOINT": "https://h:8443/polo", "POLO_CLICKHOUSE_SECRET_ARN": arn}
    with pytest.raises(RemoteConfigError, match="is not JSON with 'username' and 'password'"):
        configure(environ, secrets_client=secrets, ssm_client=ssm)


def test_url_with_credentials_keeps_port_and_database():
    assert url_with_credentials("http://127.0.0.1:41234/polo", "u", "p") == (
        "http://u:p@127.0.0.1:41234/polo"
    )
    with pytest.raises(RemoteConfigError):
        url_with_credentials("chdb:///tmp/x", "u", "p")


def test_resolve_url_uses_the_deployment_secret_when_no_url_is_set(
    aws, monkeypatch: pytest.MonkeyPatch
):
    _, _, arn = aws
    # resolve_url sets POLO_CLICKHOUSE_URL in os.environ; set through monkeypatch first, it is
    # removed again after the test instead of leaking into later tests of the same process.
    monkeypatch.setenv("POLO_CLICKHOUSE_URL", "")
    monkeypatch.delenv("POLO_CLICKHOUSE_URL")
    monkeypatch.delenv("POLO_CLICKHOUSE_CA_PARAMETER", raising=False)
    monkeypatch.setenv("POLO_CLICKHOUSE_ENDPOINT", "https://ch.internal:8443/polo")
    monkeypatch.setenv("POLO_CLICKHOUSE_SECRET_ARN", arn)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert resolve_url() == "https://polo_writer:p%40ss%2Fw%3Ard@ch.internal:8443/polo"
