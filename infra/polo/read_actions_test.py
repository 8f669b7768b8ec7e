from __future__ import annotations

from pathlib import Path

from polo.read_actions import READ_ACTIONS, actions_used_by, unused_and_missing

COLLECTORS = Path(__file__).resolve().parents[2] / "components" / "collectors"


def test_the_read_role_grants_exactly_what_the_collectors_call() -> None:
    used = actions_used_by(COLLECTORS)
    unused, missing = unused_and_missing(READ_ACTIONS, used)
    assert missing == [], f"collectors call APIs PoloReadRole does not grant: {missing}"
    assert unused == [], f"PoloReadRole grants APIs no collector calls: {unused}"
    # Sanity: every collector that reads AWS shows up.
    packages = set().union(*used.values())
    assert packages >= {
        "config_ec2",
        "config_ebs",
        "config_network",
        "tags",
        "relationships",
        "cost_explorer",
        "lifecycle",
    }


def _package(root: Path, name: str, source: str) -> None:
    package = root / name
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "collector.py").write_text(source)


def test_a_new_call_is_found_through_a_client_variable_a_paginator_name_or_an_attribute(
    tmp_path: Path,
) -> None:
    _package(
        tmp_path,
        "newcollector",
        "from collectors.common.runner import handle\n"
        "def collect(session, region):\n"
        "    ec2 = session.client('ec2', region_name=region)\n"
        "    rds = session.client('rds', region_name=region)\n"
        "    paginate_items(ec2, 'describe_images', 'Images')\n"
        "    rds.describe_db_instances()\n"
        "    return ec2.get_paginator('describe_key_pairs')\n",
    )
    used = actions_used_by(tmp_path)
    assert set(used) == {"ec2:DescribeImages", "ec2:DescribeKeyPairs", "rds:DescribeDBInstances"}


def test_a_name_on_one_client_is_not_granted_on_another_service(tmp_path: Path) -> None:
    # elbv2.describe_tags must not become ec2:DescribeTags because the module also uses EC2.
    _package(
        tmp_path,
        "network",
        "def collect(session):\n"
        "    session = assume_role(session)\n"
        "    ec2 = session.client('ec2')\n"
        "    elbv2 = session.client('elbv2')\n"
        "    ec2.describe_vpcs()\n"
        "    return elbv2.describe_tags(ResourceArns=[])\n",
    )
    assert set(actions_used_by(tmp_path)) == {
        "ec2:DescribeVpcs",
        "elasticloadbalancing:DescribeTags",
    }


def test_tests_fixtures_and_sts_are_not_counted(tmp_path: Path) -> None:
    _package(
        tmp_path,
        "x",
        "def f(s):\n    assume_role(s)\n    return s.client('sts').get_caller_identity()\n",
    )
    (tmp_path / "x" / "collector_test.py").write_text(
        "def t(s):\n    s.client('ec2').terminate_instances(InstanceIds=[])\n"
    )
    assert actions_used_by(tmp_path) == {}


def test_a_collector_on_its_own_credentials_is_not_granted_through_the_read_role(
    tmp_path: Path,
) -> None:
    _package(
        tmp_path,
        "export",
        "def collect(session):\n    return session.client('s3').get_object(Bucket='b', Key='k')\n",
    )
    assert actions_used_by(tmp_path) == {}


def test_clients_of_the_default_boto3_session_are_the_lambdas_own(tmp_path: Path) -> None:
    _package(
        tmp_path,
        "common",
        "import boto3\n"
        "def secret(arn):\n"
        "    assume_role = None\n"
        "    return boto3.client('secretsmanager').get_secret_value(SecretId=arn)\n",
    )
    assert actions_used_by(tmp_path) == {}
