"""The Polo account's CDK app: the ClickHouse stack and the collectors stack.

`python -m polo.app --env staging --out cdk.out/staging` synthesises offline (also what
`cdk synth --app "python -m polo.app"` runs, with the environment from CDK_DEPLOY_ENV and the
shared-cost split rules file from POLO_ALLOCATION_RULES_FILE, when set).
"""

from __future__ import annotations

import os
from pathlib import Path

import aws_cdk as cdk

from polo.allocation import AllocationRulesFile, read_rules_file
from polo.nag import enable_checks
from polo.settings import Settings, settings_for
from polo.stacks.clickhouse_stack import ClickHouseStack
from polo.stacks.collectors_stack import CollectorsStack

DEFAULT_DIST = Path("dist")


def _environment() -> cdk.Environment | None:
    """The deploy target from the CDK CLI's environment; None synthesises env-agnostic."""
    account = os.environ.get("CDK_DEPLOY_ACCOUNT") or os.environ.get("CDK_DEFAULT_ACCOUNT")
    region = os.environ.get("CDK_DEPLOY_REGION") or os.environ.get("CDK_DEFAULT_REGION")
    if account and region:
        return cdk.Environment(account=account, region=region)
    return None


def add_polo_stacks(
    app: cdk.App,
    settings: Settings,
    *,
    dist: Path = DEFAULT_DIST,
    allocation_rules: AllocationRulesFile | None = None,
) -> tuple[ClickHouseStack, CollectorsStack]:
    env = _environment()
    clickhouse = ClickHouseStack(
        app,
        settings.stack_name("ClickHouse"),
        settings=settings,
        env=env,
        description=f"Polo {settings.env}: ClickHouse host, VPC, credentials, alarms",
    )
    collectors = CollectorsStack(
        app,
        settings.stack_name("Collectors"),
        settings=settings,
        clickhouse=clickhouse,
        dist=dist,
        allocation_rules=allocation_rules,
        env=env,
        description=f"Polo {settings.env}: collectors, schedules, attribution rebuild, alarms",
    )
    for stack in (clickhouse, collectors):
        for key, value in {"polo:app": "polo", **settings.tags}.items():
            cdk.Tags.of(stack).add(key, value)
    return clickhouse, collectors


def build(
    env_name: str,
    *,
    outdir: str | None = None,
    dist: Path = DEFAULT_DIST,
    allocation_rules: Path | None = None,
) -> cdk.App:
    """The app; `allocation_rules` is the split rules file the attribution rebuild ships with
    (validated first: InvalidAllocationRules), None to split nothing."""
    rules = read_rules_file(allocation_rules) if allocation_rules is not None else None
    app = cdk.App(outdir=outdir)
    enable_checks(app)
    add_polo_stacks(app, settings_for(env_name), dist=dist, allocation_rules=rules)
    return app


def main() -> None:
    env_name = os.environ.get("CDK_DEPLOY_ENV", "staging")
    dist = Path(os.environ.get("POLO_DIST", str(DEFAULT_DIST)))
    rules = os.environ.get("POLO_ALLOCATION_RULES_FILE")
    build(env_name, dist=dist, allocation_rules=Path(rules) if rules else None).synth()


if __name__ == "__main__":
    main()
