"""One e2e world: moto's HTTP server holding the organisation of `fleet.py`, the AWS and
ClickHouse front doors, every collector as its built Lambda artifact, ClickHouse, and the API
Worker. A story builds one (or shares the session's), then drives it day by day:

    world = World(tmp_path, days=14)
    for day in range(world.days):
        world.simulate_day(day)      # that day's changes in moto + CloudTrail, then the inventory
    world.collect_cost()             # Cost Explorer collector (payer account)
    world.rebuild()                  # daily attribution rebuild for every simulated day
    world.api("/api/coverage", start=..., end=...)

Simulated day d is the calendar day `today - days + d` (UTC): the Cost Explorer collector
collects up to yesterday by the real clock, and the API's default windows end today, so the
last simulated day is yesterday. Inventory runs observe each day at 06:00 UTC; the day's
changes (and their CloudTrail events, delivered as EventBridge delivers them) happen at 05:xx.
"""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from e2e import fleet as org
from e2e.aws import CostExplorer, FrontDoor
from e2e.harness import (
    COLLECTORS,
    INVENTORY,
    ClickHouse,
    ClickHouseDoor,
    LambdaFunction,
    Reaper,
    Worker,
)

from attribution import pipeline
from chlocal import process

AMI = "ami-12c6146b"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


class MotoServer:
    """moto's HTTP server in its own process (its own interpreter: no GIL shared with the
    test's front doors), every service on one port."""

    def __init__(self, log_path: Path) -> None:
        self.port = process.free_port()
        self.log_path = log_path
        # No public AMIs: thousands of default images would only slow moto down.
        env = process.child_python_env({"MOTO_EC2_LOAD_DEFAULT_AMIS": "false", **CREDENTIALS})
        self.pid = Reaper.adopt(
            process.spawn(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                log_path=log_path,
                env=env,
            )
        )
        process.wait_healthy(
            "moto", f"{self.url}/moto-api/", pid=self.pid, log_path=log_path, timeout_s=60
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        process.stop(self.pid)


class World:
    def __init__(self, root: Path, *, days: int = org.DAYS, today: date | None = None) -> None:
        self.root = root
        self.days = days
        self.today = today or datetime.now(UTC).date()
        self.start = self.today - timedelta(days=days)
        self.timings: dict[str, float] = {}
        self.fleet = org.definition()
        self.simulated: list[int] = []
        self._sessions: dict[tuple[str, str], boto3.Session] = {}
        self._event_seq = 0
        self.ids: dict[str, dict[str, str]] = {}  # account/region -> vpc, subnet-a, subnet-b
        # ClickHouse (start + migrations) comes up while moto starts and the organisation is
        # built in it; the Worker starts in the background once ClickHouse is up.
        self._background = ThreadPoolExecutor(2, thread_name_prefix="world")
        clickhouse = self._background.submit(self._start_clickhouse, root / "clickhouse" / "data")
        with self.timed("start moto + build organisation"):
            self.moto = MotoServer(root / "moto.log")
            self.moto_url = self.moto.url
            self.cost_explorer = CostExplorer(self.fleet, self.start, days)
            self.aws = FrontDoor(self.moto_url, self.cost_explorer)
            self._build_day0()
        self.clickhouse = clickhouse.result()
        self.ch_door = ClickHouseDoor(self.clickhouse)
        self._worker = self._background.submit(self._start_worker)
        self.env = {
            **CREDENTIALS,
            "AWS_DEFAULT_REGION": org.US,
            "AWS_REGION": org.US,
            "AWS_ENDPOINT_URL": self.aws.url,
            "POLO_TARGET_ACCOUNTS": " ".join(org.MEMBERS),
            "POLO_REGIONS": " ".join(org.REGIONS),
            "POLO_CLICKHOUSE_URL": self.ch_door.url,
            "POLO_CLICKHOUSE_DATABASE": "polo",
            "POLO_CE_RESOURCE_SERVICES": ",".join(org.RESOURCE_SERVICES),
        }
        self.functions = {
            name: LambdaFunction(name, root / "lambda", self.env) for name in COLLECTORS
        }
        self.worker: Worker | None = None

    def _start_clickhouse(self, data_dir: Path) -> ClickHouse:
        began = time.perf_counter()
        clickhouse = ClickHouse(data_dir)
        clickhouse.migrate()
        self.timings["start ClickHouse + migrate (background)"] = time.perf_counter() - began
        return clickhouse

    def _start_worker(self) -> Worker:
        began = time.perf_counter()
        worker = Worker(self.clickhouse.url, self.root / "wrangler.log").start()
        self.timings["start Worker (background)"] = time.perf_counter() - began
        return worker

    # -- bookkeeping -------------------------------------------------------------------------

    @contextmanager
    def timed(self, label: str) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self.timings[label] = self.timings.get(label, 0.0) + time.perf_counter() - began

    def date(self, day: int) -> date:
        return self.start + timedelta(days=day)

    def moment(self, day: int, hour: int, minute: int = 0) -> datetime:
        d = self.date(day)
        return datetime(d.year, d.month, d.day, hour, minute, tzinfo=UTC)

    def close(self) -> None:
        """Stop everything; one failing step does not keep the others running."""
        steps = [function.close for function in self.functions.values()]
        steps.append(self._stop_worker)
        steps += [self.ch_door.close, self.clickhouse.discard, self.aws.close, self.moto.stop]
        errors = []
        for step in steps:
            try:
                step()
            except Exception as error:  # - report after the rest is stopped
                errors.append(error)
        if errors:
            raise errors[0]

    def _stop_worker(self) -> None:
        try:
            worker = self.worker or self._worker.result()
        finally:
            self._background.shutdown(wait=True)
        worker.stop()

    # -- the organisation in moto ------------------------------------------------------------

    def session(self, account: str, region: str) -> boto3.Session:
        """A session inside `account` (AssumeRole, as an administrator would), straight to moto."""
        key = (account, region)
        if key not in self._sessions:
            sts = boto3.client(
                "sts",
                region_name=region,
                endpoint_url=self.moto_url,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )
            creds = sts.assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                RoleSessionName="e2e-admin",
            )["Credentials"]
            self._sessions[key] = boto3.Session(
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
                region_name=region,
            )
        return self._sessions[key]

    def client(self, service: str, account: str, region: str) -> Any:
        return self.session(account, region).client(service, endpoint_url=self.moto_url)

    def _network(self, account: str, region: str) -> dict[str, str]:
        key = f"{account}/{region}"
        if key not in self.ids:
            ec2 = self.client("ec2", account, region)
            vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
            ids = {"vpc": vpc}
            for index, zone in enumerate("ab"):
                ids[zone] = ec2.create_subnet(
                    VpcId=vpc, CidrBlock=f"10.0.{index}.0/24", AvailabilityZone=f"{region}{zone}"
                )["Subnet"]["SubnetId"]
            self.ids[key] = ids
        return self.ids[key]

    def _launch(self, resource: org.Resource) -> None:
        ec2 = self.client("ec2", resource.account, resource.region)
        net = self._network(resource.account, resource.region)
        spec: dict[str, Any] = {
            "ImageId": AMI,
            "MinCount": 1,
            "MaxCount": 1,
            "InstanceType": resource.instance_type,
            "SubnetId": net[resource.subnet],
        }
        if resource.tags:
            spec["TagSpecifications"] = [{"ResourceType": "instance", "Tags": _tags(resource.tags)}]
        instance = ec2.run_instances(**spec)["Instances"][0]
        resource.aws_id = instance["InstanceId"]
        mappings = ec2.describe_instances(InstanceIds=[resource.aws_id])["Reservations"][0][
            "Instances"
        ][0]["BlockDeviceMappings"]
        self.fleet[f"{resource.key}/root"].aws_id = mappings[0]["Ebs"]["VolumeId"]

    def _build_day0(self) -> None:
        f = self.fleet
        for resource in f.values():
            if resource.kind == "instance" and resource.first_day == 0:
                self._launch(resource)
        # Acme's load balancer, with acme-web-1 and the untagged lb-worker behind it.
        alb = f["acme-alb"]
        net = self._network(alb.account, alb.region)
        elbv2 = self.client("elbv2", alb.account, alb.region)
        created = elbv2.create_load_balancer(
            Name="acme-front",
            Subnets=[net["a"], net["b"]],
            Type="application",
            Tags=_tags(alb.tags),
        )["LoadBalancers"][0]
        alb.aws_id = created["LoadBalancerArn"]
        group = elbv2.create_target_group(
            Name="acme-web", Protocol="HTTP", Port=80, VpcId=net["vpc"], TargetType="instance"
        )["TargetGroups"][0]["TargetGroupArn"]
        elbv2.register_targets(
            TargetGroupArn=group,
            Targets=[{"Id": f["acme-web-1"].aws_id}, {"Id": f["lb-worker"].aws_id}],
        )
        elbv2.create_listener(
            LoadBalancerArn=alb.aws_id,
            Protocol="HTTP",
            Port=80,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": group}],
        )
        # Acme's NAT gateway; its Elastic IP is untagged.
        nat, eip = f["acme-nat"], f["acme-nat-eip"]
        ec2 = self.client("ec2", nat.account, nat.region)
        eip.aws_id = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nat.aws_id = ec2.create_nat_gateway(
            SubnetId=self._network(nat.account, nat.region)["a"],
            AllocationId=eip.aws_id,
            TagSpecifications=[{"ResourceType": "natgateway", "Tags": _tags(nat.tags)}],
        )["NatGateway"]["NatGatewayId"]
        # A detached, untagged volume.
        orphan = f["orphan-volume"]
        orphan.aws_id = self.client("ec2", orphan.account, orphan.region).create_volume(
            AvailabilityZone=f"{orphan.region}a", Size=50, VolumeType="gp3"
        )["VolumeId"]

    # -- CloudTrail, as EventBridge delivers it ----------------------------------------------

    def cloudtrail(
        self,
        actor: str,
        account: str,
        region: str,
        event_name: str,
        at: datetime,
        request: dict[str, Any] | None = None,
        response: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        self._event_seq += 1
        event_id = str(uuid.UUID(int=self._event_seq))
        user = actor.rsplit("/", 1)[-1]
        record = {
            "eventVersion": "1.09",
            "userIdentity": {
                "type": "IAMUser",
                "principalId": f"AIDA{user.upper()}",
                "arn": actor,
                "accountId": account,
                "userName": user,
            },
            "eventTime": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventSource": "ec2.amazonaws.com",
            "eventName": event_name,
            "awsRegion": region,
            "sourceIPAddress": "198.51.100.7",
            "userAgent": "aws-cli/2.15.0",
            "requestParameters": request,
            "responseElements": response,
            "requestID": f"req-{event_id}",
            "eventID": event_id,
            "readOnly": False,
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": account,
        }
        envelope = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "AWS API Call via CloudTrail",
            "source": "aws.ec2",
            "account": account,
            "time": record["eventTime"],
            "region": region,
            "resources": [],
            "detail": record,
        }
        answer = self.invoke("lifecycle", envelope)
        assert answer["ok"], answer
        return record

    # -- the days ----------------------------------------------------------------------------

    def apply_changes(self, day: int) -> None:
        """The organisation's changes of `day`, in moto and in CloudTrail."""
        f = self.fleet
        for resource in f.values():
            if day in resource.retags:
                ec2 = self.client("ec2", resource.account, resource.region)
                ec2.create_tags(Resources=[resource.aws_id], Tags=_tags(resource.retags[day]))
                self.cloudtrail(
                    org.BOB,
                    resource.account,
                    resource.region,
                    "CreateTags",
                    self.moment(day, 5, 10),
                    request={
                        "resourcesSet": {"items": [{"resourceId": resource.aws_id}]},
                        "tagSet": {
                            "items": [
                                {"key": k, "value": v} for k, v in resource.retags[day].items()
                            ]
                        },
                    },
                )
        for resource in f.values():
            if day == 0 or resource.first_day != day:
                continue
            if resource.kind == "instance":
                self._launch(resource)
                self.cloudtrail(
                    org.ALICE,
                    resource.account,
                    resource.region,
                    "RunInstances",
                    self.moment(day, 5, 20),
                    request={"instanceType": resource.instance_type},
                    response={"instancesSet": {"items": [{"instanceId": resource.aws_id}]}},
                )
        for resource in f.values():
            if day == 0 or resource.first_day != day or resource.kind != "volume":
                continue
            if resource.key.endswith("/root"):
                continue
            ec2 = self.client("ec2", resource.account, resource.region)
            parent = f[resource.parent] if resource.parent else None
            zone = (
                ec2.describe_instances(InstanceIds=[parent.aws_id])["Reservations"][0]["Instances"][
                    0
                ]["Placement"]["AvailabilityZone"]
                if parent
                else f"{resource.region}a"
            )
            resource.aws_id = ec2.create_volume(AvailabilityZone=zone, Size=100, VolumeType="gp3")[
                "VolumeId"
            ]
            self.cloudtrail(
                org.ALICE,
                resource.account,
                resource.region,
                "CreateVolume",
                self.moment(day, 5, 30),
                request={"size": 100},
                response={"volumeId": resource.aws_id},
            )
            if parent:
                ec2.attach_volume(
                    VolumeId=resource.aws_id, InstanceId=parent.aws_id, Device="/dev/sdf"
                )
                self.cloudtrail(
                    org.ALICE,
                    resource.account,
                    resource.region,
                    "AttachVolume",
                    self.moment(day, 5, 31),
                    request={
                        "volumeId": resource.aws_id,
                        "instanceId": parent.aws_id,
                        "device": "/dev/sdf",
                    },
                )

    def schedule_event(self, day: int) -> dict[str, Any]:
        """The EventBridge scheduled event of the day's 06:00 run."""
        return {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": org.PAYER,
            "time": self.moment(day, 6).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": org.US,
            "resources": [],
            "detail": {},
        }

    def invoke(self, collector: str, event: dict[str, Any]) -> dict[str, Any]:
        with self.timed(f"lambda {collector}"):
            return self.functions[collector].invoke(event)

    def run_inventory(self, day: int) -> dict[str, dict[str, Any]]:
        """Every inventory function on the day's schedule; EventBridge starts them together."""
        event = self.schedule_event(day)
        with (
            self.timed("inventory (5 functions in parallel)"),
            ThreadPoolExecutor(len(INVENTORY)) as pool,
        ):
            answers = {name: pool.submit(self.functions[name].invoke, event) for name in INVENTORY}
            return {name: answer.result() for name, answer in answers.items()}

    def simulate_day(self, day: int) -> dict[str, dict[str, Any]]:
        with self.timed("changes + CloudTrail"):
            self.apply_changes(day)
        answers = self.run_inventory(day)
        for name, answer in answers.items():
            assert answer["ok"], f"day {day} {name}: {answer}"
            assert not answer["result"]["errors"], f"day {day} {name}: {answer}"
        self.simulated.append(day)
        return answers

    def simulate(self) -> None:
        for day in range(self.days):
            self.simulate_day(day)

    def collect_cost(self) -> dict[str, Any]:
        answer = self.invoke("cost_explorer", self.schedule_event(self.days - 1))
        assert answer["ok"], answer
        return answer["result"]

    def rebuild(self, first: int = 0, last: int | None = None) -> None:
        last = self.days - 1 if last is None else last
        with self.timed("attribution rebuild"), self.clickhouse.client() as db:
            pipeline.rebuild(db, self.date(first), self.date(last) + timedelta(days=1))

    # -- reading -----------------------------------------------------------------------------

    def api(self, path: str, **params: Any) -> dict[str, Any]:
        if self.worker is None:
            with self.timed("wait for the Worker"):
                self.worker = self._worker.result()
        with self.timed("api"):
            return self.worker.get(path, **params)

    def query(self, sql: str, database: str = "polo") -> list[tuple[Any, ...]]:
        with self.clickhouse.client(database) as db:
            return db.query("e2e", sql).result_rows

    def ids_of(self, *keys: str) -> list[str]:
        return [self.fleet[k].aws_id for k in keys]

    def key_of(self, aws_id: str) -> str:
        for key, resource in self.fleet.items():
            if resource.aws_id == aws_id:
                return key
        raise KeyError(aws_id)


def _tags(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def report(world: World, title: str) -> None:
    """Timings of a world, printed to the test's output (`--test-output=all` shows them)."""
    lines = [f"{title}: {world.days} simulated days"]
    lines += [f"  {label:<36} {seconds:6.1f} s" for label, seconds in sorted(world.timings.items())]
    print("\n".join(lines), flush=True)
