"""A built collector Lambda artifact, unzipped and invoked as AWS would, against moto's HTTP
server (the AWS side) and a local ClickHouse HTTP endpoint (the database side).

The artifact runs in a fresh interpreter with `-S` (no site-packages), so it only works if the
zip really carries its code and dependencies. Every Lambda artifact's file list is also checked
for test helpers, which must never ship.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

import boto3
import clickhouse_connect
import pytest
from moto.server import ThreadedMotoServer

from chlocal.process import Endpoint, free_port, running_endpoint
from clickhouse.client import connect
from polo.settings import COLLECTORS, FRESHNESS_JOB, NOT_DEPLOYED, REBUILD_JOB
from schema.migrate import apply_migrations

ARTIFACT = Path("components.collectors.config_ec2/lambda.zip")
# Every Lambda artifact `./pants package components/collectors:: components/jobs::` builds: the
# ones infra/polo deploys and the collectors it does not deploy yet.
LAMBDA_ARTIFACTS: tuple[str, ...] = (
    *(collector.artifact for collector in COLLECTORS),
    *(f"components.collectors.{name}/lambda.zip" for name in NOT_DEPLOYED),
    REBUILD_JOB.artifact,
    FRESHNESS_JOB.artifact,
)
# Top-level packages only tests use: Polo's test support (components/testing) and the test
# libraries.
TEST_ONLY_PACKAGES = frozenset({"testing", "moto", "pytest", "_pytest", "hypothesis"})
ACCOUNT = "123456789012"  # moto's default account
REGION = "eu-west-1"
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
}


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def clickhouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    with running_endpoint(tmp_path_factory.mktemp("chlocal") / "clickhouse") as endpoint:
        url = f"http://127.0.0.1:{endpoint.port}"
        with connect(url, database="polo", create_database=True) as client:
            apply_migrations(client)
        yield endpoint


def _fleet(moto_url: str) -> list[str]:
    ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=moto_url, **_creds())
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    tagged = ec2.run_instances(
        ImageId=image,
        MinCount=2,
        MaxCount=2,
        InstanceType="m5.large",
        TagSpecifications=[
            {
                "ResourceType": "instance",
                "Tags": [{"Key": "Customer", "Value": "acme"}, {"Key": "Role", "Value": "api"}],
            }
        ],
    )
    untagged = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro")
    return [i["InstanceId"] for i in tagged["Instances"] + untagged["Instances"]]


def _creds() -> dict[str, str]:
    return {
        "aws_access_key_id": AWS_ENV["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": AWS_ENV["AWS_SECRET_ACCESS_KEY"],
        "aws_session_token": AWS_ENV["AWS_SESSION_TOKEN"],
    }


def _invoke(unpacked: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import json, lambda_function;"
        "print(json.dumps(lambda_function.handler({}, None), default=str))"
    )
    return subprocess.run(
        [sys.executable, "-S", "-c", code],
        cwd=unpacked,
        env={"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_built_ec2_artifact_collects_from_moto_into_clickhouse(
    tmp_path: Path, moto_url: str, clickhouse: Endpoint
) -> None:
    instance_ids = _fleet(moto_url)
    unpacked = tmp_path / "lambda"
    with zipfile.ZipFile(ARTIFACT) as artifact:
        artifact.extractall(unpacked)
    assert (unpacked / "lambda_function.py").exists()

    env = {
        **AWS_ENV,
        "AWS_ENDPOINT_URL": moto_url,
        "POLO_TARGET_ACCOUNTS": ACCOUNT,
        "POLO_REGIONS": REGION,
        "POLO_CLICKHOUSE_URL": f"http://127.0.0.1:{clickhouse.port}",
        "POLO_CLICKHOUSE_DATABASE": "polo",
    }
    result = _invoke(unpacked, env)
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["ok"] == 1, summary

    reader = clickhouse_connect.get_client(host="127.0.0.1", port=clickhouse.port, database="polo")
    rows = reader.query(
        "SELECT resource_id, marqo_customer, marqo_role FROM resource_events FINAL "
        "WHERE resource_type = 'ec2:instance' ORDER BY resource_id"
    ).result_rows
    assert sorted(r[0] for r in rows) == sorted(instance_ids)
    owners = {r[0]: (r[1], r[2]) for r in rows}
    assert sorted(owners.values()) == [("", ""), ("acme", "api"), ("acme", "api")]

    again = _invoke(unpacked, env)
    assert again.returncode == 0, again.stderr[-3000:]
    count = reader.query(
        "SELECT count() FROM resource_events FINAL WHERE resource_type = 'ec2:instance'"
    ).result_rows[0][0]
    assert count == len(instance_ids)


def _test_only_files(names: Iterable[str]) -> list[str]:
    """The files of a zip listing that only tests use."""
    found = []
    for name in names:
        path = PurePosixPath(name)
        if (
            path.parts[0] in TEST_ONLY_PACKAGES
            or path.name == "conftest.py"
            or path.name.endswith("_test.py")
        ):
            found.append(name)
    return found


def test_the_check_finds_test_helpers_in_a_listing() -> None:
    listing = [
        "lambda_function.py",
        "collectors/common/runner.py",
        "testing/moto_fleet.py",
        "collectors/config_ec2/collector_test.py",
        "collectors/focus_export/conftest.py",
        "moto/core/models.py",
    ]
    assert _test_only_files(listing) == listing[2:]


@pytest.mark.parametrize("artifact", LAMBDA_ARTIFACTS)
def test_a_lambda_artifact_carries_no_test_helpers(artifact: str) -> None:
    with zipfile.ZipFile(artifact) as zipped:
        names = zipped.namelist()
    assert "lambda_function.py" in names
    assert _test_only_files(names) == []
