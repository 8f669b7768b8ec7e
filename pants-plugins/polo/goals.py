"""Polo's workflow goals. Each parses its options and runs a Python entry point in the workspace."""

from __future__ import annotations

from pants.engine.console import Console
from pants.engine.env_vars import CompleteEnvironmentVars
from pants.engine.fs import Workspace
from pants.engine.goal import Goal, GoalSubsystem
from pants.engine.rules import collect_rules, goal_rule
from pants.engine.target import Targets
from pants.option.option_types import BoolOption, IntOption, StrListOption, StrOption
from pants.util.strutil import softwrap

from polo.clickhouse_migrations import ClickhouseMigrationSourcesField
from polo.entry_point import run_entry_point

MIGRATE_BINARY = "components/schema:migrate-bin"
STACK_BINARY = "components/stack:stack-bin"
PROD_SYNC_BINARY = "components/prodsync:prod-sync-bin"
SEED_BINARY = "components/attribution:seed-bin"
DEPLOY_WORKER_BINARY = "components/workerctl:deploy-bin"
MIGRATE_REMOTE_BINARY = "infra/polo:migrate-remote-bin"
INFRA_BINARY = "infra/polo:infra-bin"


class _LocalGoal(Goal):
    environment_behavior = Goal.EnvironmentBehavior.LOCAL_ONLY


def _flags(subsystem: object, *names: str) -> list[str]:
    """The entry point's flags for these options (`dry-run` reads `subsystem.dry_run`)."""
    return [
        arg for name in names for arg in _flag(name, getattr(subsystem, name.replace("-", "_")))
    ]


def _flag(name: str, value: object) -> list[str]:
    """`--name value` for a set option, nothing for an unset one."""
    if value is None or value == "" or value is False:
        return []
    if value is True:
        return [f"--{name}"]
    return [f"--{name}", str(value)]


class MigrateSubsystem(GoalSubsystem):
    name = "migrate"
    help = "Apply the ClickHouse migrations of the given `clickhouse_migrations` targets."

    url = StrOption(
        default=None,
        help="ClickHouse to migrate (`http(s)://user:pass@host:port/db` or `chdb:///path`). "
        "Default: POLO_CLICKHOUSE_URL, else the running local endpoint, else embedded chDB.",
    )
    status = BoolOption(default=False, help="List each migration with its state; change nothing.")
    dry_run = BoolOption(default=False, help="Print what would be applied; change nothing.")
    remote = StrOption(
        default=None,
        help="Migrate the deployed ClickHouse instead: its EC2 instance id (`i-...`), or `auto` "
        "(the id the ClickHouse stack stores in SSM). Opens an SSM port-forwarding session "
        "(needs the AWS CLI and its Session Manager plugin) and reads the writer's credentials "
        "from Secrets Manager. See docs/infra.md.",
    )
    env = StrOption(default="staging", help="With --remote: `staging` or `production`.")


class Migrate(_LocalGoal):
    subsystem_cls = MigrateSubsystem


@goal_rule
async def migrate(
    console: Console,
    subsystem: MigrateSubsystem,
    targets: Targets,
    env: CompleteEnvironmentVars,
    workspace: Workspace,  # lets the goal start an interactive process
) -> Migrate:
    sets = [tgt for tgt in targets if tgt.has_field(ClickhouseMigrationSourcesField)]
    if not sets:
        console.print_stderr(
            softwrap(
                f"""
                migrate: none of the {len(targets)} target(s) given is a `clickhouse_migrations`
                target. Try `pants migrate components/schema` or `pants migrate ::`.
                """
            )
        )
        return Migrate(exit_code=1)
    exit_code = 0
    for tgt in sets:
        directory = tgt.address.spec_path
        globs = tgt[ClickhouseMigrationSourcesField].value or ()
        subdir = globs[0].rsplit("/", 1)[0] if globs and "/" in globs[0] else ""
        migrations_dir = f"{directory}/{subdir}" if subdir else directory
        if subsystem.remote:
            if subsystem.url:
                console.print_stderr("migrate: --url and --remote exclude each other.")
                return Migrate(exit_code=1)
            args = [
                "--remote",
                subsystem.remote,
                "--env",
                subsystem.env,
                "--migrations-dir",
                migrations_dir,
                *_flags(subsystem, "status", "dry-run"),
            ]
            binary = MIGRATE_REMOTE_BINARY
        else:
            args = [
                "--migrations-dir",
                migrations_dir,
                *_flags(subsystem, "url", "status", "dry-run"),
            ]
            binary = MIGRATE_BINARY
        exit_code = await run_entry_point(binary, args, env, "migrate") or exit_code
    return Migrate(exit_code=exit_code)


class PoloUpSubsystem(GoalSubsystem):
    name = "polo-up"
    help = "Start the local Polo stack (ClickHouse endpoint, migrations, demo data, API, web UI)."

    clickhouse = StrOption(
        default="embedded",
        help="`embedded` (chDB behind a local HTTP endpoint) or `docker` (docker-compose.yml).",
    )
    port = IntOption(default=8123, help="Port of the local ClickHouse HTTP endpoint.")
    api = BoolOption(default=True, help="Also start the API Worker (`wrangler dev`).")
    api_port = IntOption(default=8787, help="Port of the local API Worker.")
    ui = BoolOption(default=True, help="Also start the web UI (Vite dev server, needs the API).")
    ui_port = IntOption(default=5173, help="Port of the local web UI.")
    demo_data = BoolOption(default=True, help="Seed the demo organisation into an empty database.")


class PoloUp(_LocalGoal):
    subsystem_cls = PoloUpSubsystem


@goal_rule
async def polo_up(
    subsystem: PoloUpSubsystem, env: CompleteEnvironmentVars, workspace: Workspace
) -> PoloUp:
    args = [
        "up",
        "--clickhouse",
        subsystem.clickhouse,
        "--port",
        str(subsystem.port),
        "--api-port",
        str(subsystem.api_port),
        *([] if subsystem.api else ["--no-api"]),
        "--ui-port",
        str(subsystem.ui_port),
        *([] if subsystem.ui else ["--no-ui"]),
        *([] if subsystem.demo_data else ["--no-demo-data"]),
    ]
    return PoloUp(exit_code=await run_entry_point(STACK_BINARY, args, env, "polo-up"))


class PoloDownSubsystem(GoalSubsystem):
    name = "polo-down"
    help = "Stop what `polo-up` started. Data is kept unless --wipe."

    wipe = BoolOption(default=False, help="Also delete the local data directory.")


class PoloDown(_LocalGoal):
    subsystem_cls = PoloDownSubsystem


@goal_rule
async def polo_down(
    subsystem: PoloDownSubsystem, env: CompleteEnvironmentVars, workspace: Workspace
) -> PoloDown:
    args = ["down", *_flag("wipe", subsystem.wipe)]
    return PoloDown(exit_code=await run_entry_point(STACK_BINARY, args, env, "polo-down"))


class ProdSyncSubsystem(GoalSubsystem):
    name = "prod-sync"
    help = "Copy the last N days of production ClickHouse data into the local database."

    days = IntOption(default=30, help="How many days back to copy.")
    source_url = StrOption(
        default=None, help="Production ClickHouse over HTTP (default: POLO_PROD_CLICKHOUSE_URL)."
    )
    dest_url = StrOption(default=None, help="Destination (default: the local ClickHouse).")
    tables = StrListOption(help="Only these tables (default: every data-model table).")
    force = BoolOption(default=False, help="Allow a destination that is not local.")


class ProdSync(_LocalGoal):
    subsystem_cls = ProdSyncSubsystem


@goal_rule
async def prod_sync(
    subsystem: ProdSyncSubsystem, env: CompleteEnvironmentVars, workspace: Workspace
) -> ProdSync:
    args = [
        *_flags(subsystem, "days", "source-url", "dest-url"),
        *_flag("tables", ",".join(subsystem.tables)),
        *_flags(subsystem, "force"),
    ]
    return ProdSync(exit_code=await run_entry_point(PROD_SYNC_BINARY, args, env, "prod-sync"))


class SeedSubsystem(GoalSubsystem):
    name = "seed"
    help = "Seed ClickHouse with a deterministic synthetic organisation, through the real pipeline."

    customers = IntOption(default=None, help="Number of customers.")
    clusters = IntOption(default=None, help="Clusters per customer.")
    resources = IntOption(default=None, help="Number of resources.")
    days = IntOption(default=None, help="Days of history.")
    random_seed = IntOption(default=None, help="Random seed (same seed, same data).")
    url = StrOption(default=None, help="ClickHouse to seed (default: as `migrate`).")
    replace = BoolOption(default=False, help="Wipe existing Polo data before seeding.")


class Seed(_LocalGoal):
    subsystem_cls = SeedSubsystem


@goal_rule
async def seed(
    subsystem: SeedSubsystem, env: CompleteEnvironmentVars, workspace: Workspace
) -> Seed:
    args = [
        *_flags(
            subsystem, "customers", "clusters", "resources", "days", "random-seed", "url", "replace"
        ),
    ]
    return Seed(exit_code=await run_entry_point(SEED_BINARY, args, env, "seed"))


class DeployWorkerSubsystem(GoalSubsystem):
    name = "deploy-worker"
    help = "Deploy the API Worker with wrangler; --dry-run builds and validates the bundle offline."

    env = StrOption(default="staging", help="`staging` or `production`.")
    dry_run = BoolOption(default=False, help="Build the bundle and report its size; no deploy.")


class DeployWorker(_LocalGoal):
    subsystem_cls = DeployWorkerSubsystem


@goal_rule
async def deploy_worker(
    subsystem: DeployWorkerSubsystem,
    env: CompleteEnvironmentVars,
    workspace: Workspace,  # lets the goal start an interactive process
) -> DeployWorker:
    args = ["--env", subsystem.env, *_flag("dry-run", subsystem.dry_run)]
    return DeployWorker(
        exit_code=await run_entry_point(DEPLOY_WORKER_BINARY, args, env, "deploy-worker")
    )


class SynthInfraSubsystem(GoalSubsystem):
    name = "synth-infra"
    help = softwrap(
        """
        Write the CloudFormation templates of Polo's AWS stacks (ClickHouse, collectors,
        destination) offline, under `cdk.out/<env>/`. Needs the Lambda zips: run
        `pants package components/collectors:: components/jobs::` first.
        """
    )

    env = StrOption(default="staging", help="`staging` or `production`.")
    out = StrOption(default="cdk.out", help="Where the cloud assemblies are written.")
    dist = StrOption(default="dist", help="Where `pants package` wrote the Lambda zips.")
    allocation_rules = StrOption(
        default=None,
        help="Split rules file the attribution rebuild ships with (docs/allocation.md).",
    )


class SynthInfra(_LocalGoal):
    subsystem_cls = SynthInfraSubsystem


@goal_rule
async def synth_infra(
    subsystem: SynthInfraSubsystem, env: CompleteEnvironmentVars, workspace: Workspace
) -> SynthInfra:
    args = ["synth", *_flags(subsystem, "env", "out", "dist", "allocation-rules")]
    return SynthInfra(exit_code=await run_entry_point(INFRA_BINARY, args, env, "synth-infra"))


class DeployInfraSubsystem(GoalSubsystem):
    name = "deploy-infra"
    help = softwrap(
        """
        Deploy Polo's AWS stacks with the AWS CDK CLI (`cdk deploy`) into the account of the
        current AWS credentials; `--destination` deploys `PoloReadRole` into a member account
        instead. Fails in one line without credentials. See docs/infra.md for the parameters.
        """
    )

    env = StrOption(default="staging", help="`staging` or `production`.")
    dist = StrOption(default="dist", help="Where `pants package` wrote the Lambda zips.")
    destination = BoolOption(default=False, help="Deploy the member-account stack (PoloReadRole).")
    parameter = StrListOption(help="CloudFormation parameters, `[Stack:]Name=Value`.")
    allocation_rules = StrOption(
        default=None,
        help="Split rules file the attribution rebuild ships with (docs/allocation.md).",
    )


class DeployInfra(_LocalGoal):
    subsystem_cls = DeployInfraSubsystem


@goal_rule
async def deploy_infra(
    subsystem: DeployInfraSubsystem, env: CompleteEnvironmentVars, workspace: Workspace
) -> DeployInfra:
    args = [
        "deploy",
        *_flags(subsystem, "env", "dist", "destination", "allocation-rules"),
        *[arg for value in subsystem.parameter for arg in ("--parameter", value)],
    ]
    return DeployInfra(exit_code=await run_entry_point(INFRA_BINARY, args, env, "deploy-infra"))


def rules():
    return collect_rules()
