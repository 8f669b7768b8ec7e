"""Per-environment settings of Polo's AWS deployment, in one typed place.

Nothing here identifies an AWS organisation: account ids, the external id, the payer account and
the member accounts to collect are deployment parameters (CloudFormation parameters, see
docs/infra.md), and credentials live in Secrets Manager. What *is* here is what an engineer
chooses per environment: sizes, versions, schedules, retention.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ENVIRONMENTS = ("staging", "production")


class UnknownEnvironment(ValueError):
    pass


@dataclass(frozen=True)
class Collector:
    """One collector Lambda: its package under components/collectors and its schedule."""

    name: str
    period_minutes: int
    memory_mb: int = 512
    timeout_minutes: int = 10
    # Whether the collector fans out over the member accounts (POLO_TARGET_ACCOUNTS); the Cost
    # Explorer collector reads the payer account only.
    fans_out: bool = True

    @property
    def package(self) -> str:
        return f"components/collectors/{self.name}"

    @property
    def handler(self) -> str:
        return f"collectors.{self.name}.handler.handler"

    @property
    def artifact(self) -> str:
        """Where `./pants package components/collectors::` writes the Lambda zip."""
        return f"components.collectors.{self.name}/lambda.zip"

    @property
    def stale_after_minutes(self) -> int:
        """The staleness alarm fires without a successful run for twice the period."""
        return 2 * self.period_minutes


COLLECTORS: tuple[Collector, ...] = (
    Collector("config_ec2", period_minutes=60),
    Collector("config_ebs", period_minutes=60),
    Collector("config_network", period_minutes=60),
    Collector("tags", period_minutes=60),
    Collector("relationships", period_minutes=60),
    # Cost Explorer bills $0.01 per request; AWS refreshes cost data a few times a day.
    Collector("cost_explorer", period_minutes=360, fans_out=False, timeout_minutes=15),
    # The hourly LookupEvents catch-up; CloudTrail events also arrive in real time.
    Collector("lifecycle", period_minutes=60),
)


# Collector packages with a Lambda handler that the collectors stack does not deploy yet, and why.
NOT_DEPLOYED: dict[str, str] = {
    "focus_export": "arrived while the CDK app was written (2026-12-06); it runs on its own "
    "role's credentials and needs the export bucket as a parameter and s3:GetObject / "
    "s3:ListBucket on its prefix: a follow-up adds it to COLLECTORS",
}


@dataclass(frozen=True)
class Job:
    """A scheduled Lambda of components/jobs (not a collector)."""

    name: str
    handler: str
    artifact: str
    memory_mb: int
    timeout_minutes: int


REBUILD_JOB = Job(
    name="attribution_rebuild",
    handler="jobs.attribution_rebuild.handler",
    artifact="components.jobs/attribution-rebuild.zip",
    memory_mb=1024,
    timeout_minutes=15,
)
FRESHNESS_JOB = Job(
    name="freshness",
    handler="jobs.freshness.handler",
    artifact="components.jobs/freshness.zip",
    memory_mb=256,
    timeout_minutes=2,
)


@dataclass(frozen=True)
class Settings:
    env: str
    # ClickHouse host
    clickhouse_version: str
    instance_type: str
    data_volume_gib: int
    root_volume_gib: int
    snapshot_retain_days: int
    disk_alarm_percent: int
    # Networking
    vpc_cidr: str
    max_azs: int
    nat_gateways: int
    # Collectors
    collectors: tuple[Collector, ...] = COLLECTORS
    read_role_name: str = "PoloReadRole"
    lambda_runtime: str = "python3.11"
    log_retention_days: int = 30
    # The daily attribution rebuild: days back from yesterday (cost data stays provisional for
    # days, see docs/cost-and-lifecycle.md), and when (UTC) it runs.
    rebuild_days: int = 5
    rebuild_hour_utc: int = 5
    freshness_period_minutes: int = 15
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return f"polo-{self.env}"

    @property
    def collectors_role_name(self) -> str:
        """The collectors' execution role; member accounts' `PoloReadRole` trusts this name."""
        return f"{self.prefix}-collectors"

    def secret_name(self, username: str) -> str:
        """Secrets Manager name of a ClickHouse user's credentials (`migrate-remote` reads it)."""
        return f"{self.prefix}/clickhouse/{username}"

    @property
    def instance_parameter_name(self) -> str:
        """SSM parameter holding the ClickHouse instance id (`migrate-remote --remote=auto`)."""
        return f"/polo/{self.env}/clickhouse/instance-id"

    def stack_name(self, kind: str) -> str:
        return f"Polo-{self.env.capitalize()}-{kind}"


_STAGING = Settings(
    env="staging",
    clickhouse_version="25.8.12.129",
    instance_type="t3.large",
    data_volume_gib=50,
    root_volume_gib=20,
    snapshot_retain_days=3,
    disk_alarm_percent=80,
    vpc_cidr="10.60.0.0/20",
    max_azs=2,
    nat_gateways=1,
    read_role_name="PoloReadRole-staging",
    log_retention_days=14,
    tags={"polo:environment": "staging"},
)

_PRODUCTION = Settings(
    env="production",
    clickhouse_version="25.8.12.129",
    instance_type="r6i.xlarge",
    data_volume_gib=500,
    root_volume_gib=30,
    snapshot_retain_days=14,
    disk_alarm_percent=80,
    vpc_cidr="10.61.0.0/20",
    max_azs=2,
    nat_gateways=1,
    read_role_name="PoloReadRole",
    log_retention_days=90,
    tags={"polo:environment": "production"},
)

_BY_NAME = {s.env: s for s in (_STAGING, _PRODUCTION)}


def settings_for(env: str) -> Settings:
    try:
        return _BY_NAME[env]
    except KeyError:
        raise UnknownEnvironment(
            f"unknown environment {env!r}: choose one of {', '.join(ENVIRONMENTS)}"
        ) from None
