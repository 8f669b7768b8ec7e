"""A realistic AWS fleet built through the real AWS APIs, for moto-backed tests and demos.

`build_fleet()` creates, in every account and region (accounts reached by AssumeRole into the
read role, exactly as the collectors reach them):

- a VPC with two subnets;
- five instances: two tagged for customer Acme with different alias spellings
  (`Customer` / `marqo_customer`), one tagged `customer-id` for Globex with unicode and
  256-character tag values, one untagged, one stopped (Initech);
- EBS: each instance's root volume, a data volume attached to the Globex worker, a tagged
  detached volume with a snapshot, an untagged detached volume;
- a NAT gateway with its Elastic IP, an Elastic IP associated with an instance and an
  unassociated one;
- an application load balancer whose target group has both Acme instances registered, and a
  classic ELB with the Globex worker registered.

Run it inside `moto.mock_aws()` (or against a moto server via the session's endpoint). The
returned `Fleet` holds every id so tests can assert on exactly what was built.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import ClientError
from moto import mock_aws

from collectors.common.arn import load_balancer_arn
from collectors.common.aws_session import assume_role, make_session

ACCOUNTS: tuple[str, ...] = ("111111111111", "222222222222")
REGIONS: tuple[str, ...] = ("us-east-1", "eu-west-1")
READ_ROLE = "PoloReadRole"
AMI = "ami-12c6146b"

# Environment for moto: fake credentials (never real ones) and no default AMIs, whose
# thousands of public snapshots would only slow the fake down.
MOTO_ENV: dict[str, str] = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
}

LONG_VALUE = "v" * 256
UNICODE_KEY = "Ünïcode-Schlüssel"
UNICODE_VALUE = "値 ✓ Müller"


@contextmanager
def moto_aws() -> Iterator[None]:
    """In-process fake AWS with `MOTO_ENV` applied; the environment is restored afterwards."""
    saved = {name: os.environ.get(name) for name in MOTO_ENV}
    os.environ.update(MOTO_ENV)
    try:
        with mock_aws():
            yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class ThrottleInjector:
    """Makes `times` calls of one operation fail with a throttling error, after letting the
    first `after` calls through (so a listing can be throttled in the middle).

    The smallest fault that moto cannot produce: a botocore `before-parameter-build` hook (it
    sees the API parameters of every call, including paginator tokens) raising the
    `ClientError` AWS would return. Attach it to a session (clients created afterwards get it)
    or to one client's `meta.events`.
    """

    def __init__(self, times: int, *, after: int = 0, code: str = "Throttling") -> None:
        self.remaining = times
        self.after = after
        self.code = code
        self.failed = 0
        self.calls: list[dict[str, Any]] = []

    def __call__(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls.append(dict(params))
        if len(self.calls) > self.after and self.remaining > 0:
            self.remaining -= 1
            self.failed += 1
            raise ClientError(
                {"Error": {"Code": self.code, "Message": "Rate exceeded"}}, model.name
            )

    def attach(self, events: Any, service: str, operation: str) -> ThrottleInjector:
        events.register(f"before-parameter-build.{service}.{operation}", self)
        return self


def _tags(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


@dataclass
class RegionFleet:
    """Ids of everything built in one account and region."""

    account_id: str
    region: str
    vpc_id: str = ""
    subnet_ids: list[str] = field(default_factory=list)
    instances: dict[str, str] = field(default_factory=dict)  # role in the fleet -> instance id
    root_volumes: dict[str, str] = field(default_factory=dict)  # instance id -> volume id
    data_volume_id: str = ""
    detached_tagged_volume_id: str = ""
    detached_untagged_volume_id: str = ""
    snapshot_id: str = ""
    nat_gateway_id: str = ""
    nat_eni_id: str = ""
    nat_allocation_id: str = ""
    instance_allocation_id: str = ""
    free_allocation_id: str = ""
    alb_arn: str = ""
    target_group_arn: str = ""
    classic_elb_name: str = ""
    classic_elb_arn: str = ""

    @property
    def instance_ids(self) -> list[str]:
        return list(self.instances.values())

    @property
    def volume_ids(self) -> list[str]:
        return [
            *self.root_volumes.values(),
            self.data_volume_id,
            self.detached_tagged_volume_id,
            self.detached_untagged_volume_id,
        ]


@dataclass
class Fleet:
    regions: dict[tuple[str, str], RegionFleet] = field(default_factory=dict)

    def __getitem__(self, key: tuple[str, str]) -> RegionFleet:
        return self.regions[key]


def account_session(
    account_id: str, region: str, *, base: boto3.Session | None = None, role: str = READ_ROLE
) -> boto3.Session:
    """A session inside `account_id`, reached by AssumeRole like the collectors do."""
    base = base or make_session(region=region)
    return make_session(assume_role(base, account_id, role, region=region), region=region)


def build_fleet(
    accounts: Sequence[str] = ACCOUNTS,
    regions: Sequence[str] = REGIONS,
    *,
    base: boto3.Session | None = None,
) -> Fleet:
    fleet = Fleet()
    for account_id in accounts:
        for region in regions:
            session = account_session(account_id, region, base=base)
            fleet.regions[(account_id, region)] = build_region(session, account_id, region)
    return fleet


def _run_instance(ec2: Any, subnet_id: str, tags: dict[str, str], instance_type: str) -> str:
    spec: dict[str, Any] = {
        "ImageId": AMI,
        "MinCount": 1,
        "MaxCount": 1,
        "InstanceType": instance_type,
        "SubnetId": subnet_id,
    }
    if tags:
        spec["TagSpecifications"] = [{"ResourceType": "instance", "Tags": _tags(tags)}]
    return ec2.run_instances(**spec)["Instances"][0]["InstanceId"]


def build_region(session: boto3.Session, account_id: str, region: str) -> RegionFleet:
    ec2 = session.client("ec2", region_name=region)
    elbv2 = session.client("elbv2", region_name=region)
    elb = session.client("elb", region_name=region)
    built = RegionFleet(account_id, region)

    vpc = ec2.create_vpc(
        CidrBlock="10.0.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": _tags({"Name": "polo-main"})}],
    )["Vpc"]
    built.vpc_id = vpc["VpcId"]
    zones = [f"{region}a", f"{region}b"]
    for index, zone in enumerate(zones):
        subnet = ec2.create_subnet(
            VpcId=built.vpc_id, CidrBlock=f"10.0.{index}.0/24", AvailabilityZone=zone
        )["Subnet"]
        built.subnet_ids.append(subnet["SubnetId"])
    subnet_a, subnet_b = built.subnet_ids

    acme = {"Customer": "Acme", "Cluster": "search-prod", "Role": "api", "Environment": "prod"}
    built.instances["acme_api_1"] = _run_instance(ec2, subnet_a, acme, "m5.large")
    built.instances["acme_api_2"] = _run_instance(
        ec2,
        subnet_b,
        {"marqo_customer": "acme", "marqo_cluster": "search-prod", "marqo_role": "api"},
        "m5.large",
    )
    built.instances["globex_worker"] = _run_instance(
        ec2,
        subnet_a,
        {
            "customer-id": " Globex ",
            "cluster": "batch-1",
            "role": "worker",
            UNICODE_KEY: UNICODE_VALUE,
            "Description": LONG_VALUE,
        },
        "c5.xlarge",
    )
    built.instances["untagged"] = _run_instance(ec2, subnet_b, {}, "t3.micro")
    built.instances["initech_stopped"] = _run_instance(
        ec2, subnet_a, {"Customer": "Initech", "Role": "batch"}, "t3.small"
    )
    ec2.stop_instances(InstanceIds=[built.instances["initech_stopped"]])

    described = ec2.describe_instances(InstanceIds=built.instance_ids)
    for reservation in described["Reservations"]:
        for instance in reservation["Instances"]:
            for mapping in instance.get("BlockDeviceMappings", []):
                built.root_volumes[instance["InstanceId"]] = mapping["Ebs"]["VolumeId"]

    zone_a = zones[0]
    built.data_volume_id = ec2.create_volume(AvailabilityZone=zone_a, Size=200, VolumeType="gp3")[
        "VolumeId"
    ]
    ec2.attach_volume(
        VolumeId=built.data_volume_id,
        InstanceId=built.instances["globex_worker"],
        Device="/dev/sdf",
    )
    built.detached_tagged_volume_id = ec2.create_volume(
        AvailabilityZone=zone_a,
        Size=50,
        TagSpecifications=[
            {"ResourceType": "volume", "Tags": _tags({"Customer": "Acme", "Role": "backup"})}
        ],
    )["VolumeId"]
    built.detached_untagged_volume_id = ec2.create_volume(AvailabilityZone=zone_a, Size=20)[
        "VolumeId"
    ]
    built.snapshot_id = ec2.create_snapshot(
        VolumeId=built.detached_tagged_volume_id,
        TagSpecifications=[{"ResourceType": "snapshot", "Tags": _tags({"Customer": "Acme"})}],
    )["SnapshotId"]

    built.nat_allocation_id = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(
        SubnetId=subnet_a,
        AllocationId=built.nat_allocation_id,
        TagSpecifications=[
            {"ResourceType": "natgateway", "Tags": _tags({"Customer": "Acme", "Role": "nat"})}
        ],
    )["NatGateway"]
    built.nat_gateway_id = nat["NatGatewayId"]
    built.nat_eni_id = nat["NatGatewayAddresses"][0]["NetworkInterfaceId"]
    built.instance_allocation_id = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.associate_address(
        AllocationId=built.instance_allocation_id, InstanceId=built.instances["untagged"]
    )
    built.free_allocation_id = ec2.allocate_address(
        Domain="vpc",
        TagSpecifications=[{"ResourceType": "elastic-ip", "Tags": _tags({"Customer": "Globex"})}],
    )["AllocationId"]

    alb = elbv2.create_load_balancer(
        Name="acme-search",
        Subnets=[subnet_a, subnet_b],
        Type="application",
        Tags=_tags({"Customer": "Acme", "Cluster": "search-prod", "Role": "lb"}),
    )["LoadBalancers"][0]
    built.alb_arn = alb["LoadBalancerArn"]
    group = elbv2.create_target_group(
        Name="acme-api", Protocol="HTTP", Port=80, VpcId=built.vpc_id, TargetType="instance"
    )["TargetGroups"][0]
    built.target_group_arn = group["TargetGroupArn"]
    elbv2.register_targets(
        TargetGroupArn=built.target_group_arn,
        Targets=[{"Id": built.instances["acme_api_1"]}, {"Id": built.instances["acme_api_2"]}],
    )
    elbv2.create_listener(
        LoadBalancerArn=built.alb_arn,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": built.target_group_arn}],
    )

    built.classic_elb_name = "globex-batch"
    elb.create_load_balancer(
        LoadBalancerName=built.classic_elb_name,
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}],
        Subnets=[subnet_a],
    )
    elb.register_instances_with_load_balancer(
        LoadBalancerName=built.classic_elb_name,
        Instances=[{"InstanceId": built.instances["globex_worker"]}],
    )
    built.classic_elb_arn = load_balancer_arn(region, account_id, built.classic_elb_name)
    return built
