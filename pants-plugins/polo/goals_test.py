from __future__ import annotations

import pytest
from pants.build_graph.address import Address, AddressInput
from pants.core.goals.run import RunFieldSet, RunRequest
from pants.core.target_types import GenericTarget
from pants.engine.env_vars import CompleteEnvironmentVars
from pants.engine.fs import EMPTY_DIGEST
from pants.engine.internals.scheduler import ExecutionError
from pants.engine.process import InteractiveProcess, InteractiveProcessResult
from pants.engine.target import (
    FieldSetsPerTarget,
    FieldSetsPerTargetRequest,
    Targets,
    WrappedTarget,
    WrappedTargetRequest,
)
from pants.engine.unions import UnionMembership
from pants.testutil.option_util import create_goal_subsystem, create_options_bootstrapper
from pants.testutil.rule_runner import (
    MockEffect,
    MockGet,
    RuleRunner,
    mock_console,
    run_rule_with_mocks,
)

from polo import goals
from polo.clickhouse_migrations import ClickhouseMigrationsTarget


class _FakeRunFieldSet(RunFieldSet):
    required_fields = ()


def _run(rule, subsystem, targets=None, exit_code=0, addresses=None):
    """Run a goal rule with the entry point's process captured instead of started."""
    launched: list[InteractiveProcess] = []

    def effect(process: InteractiveProcess) -> InteractiveProcessResult:
        launched.append(process)
        return InteractiveProcessResult(exit_code)

    binary_target = GenericTarget({}, Address("components/x", target_name="bin"))
    mocks = [
        MockGet(
            Address,
            (AddressInput,),
            lambda ai: (addresses.append(ai.path_component) if addresses is not None else None)
            or Address(ai.path_component, target_name="bin"),
        ),
        MockGet(WrappedTarget, (WrappedTargetRequest,), lambda _: WrappedTarget(binary_target)),
        MockGet(
            FieldSetsPerTarget,
            (FieldSetsPerTargetRequest,),
            lambda _: FieldSetsPerTarget([[_FakeRunFieldSet(binary_target.address)]]),
        ),
        MockGet(
            RunRequest,
            (_FakeRunFieldSet,),
            lambda _: RunRequest(digest=EMPTY_DIGEST, args=["python", "{chroot}/bin.pex"]),
        ),
        MockEffect(InteractiveProcessResult, (InteractiveProcess,), effect),
    ]
    env = CompleteEnvironmentVars({"POLO_HOME": "/tmp/p"})
    RuleRunner()  # sets up a build root for the options bootstrapper
    with mock_console(create_options_bootstrapper()) as (console, stdio):
        args = [console, subsystem] if targets is not None else [subsystem]
        if targets is not None:
            args.append(targets)
        args.extend([env, None])  # the Workspace only marks the rule side-effecting
        result = run_rule_with_mocks(
            rule,
            rule_args=args,
            mock_gets=mocks,
            union_membership=UnionMembership({RunFieldSet: [_FakeRunFieldSet]}),
        )
        return result, launched, stdio.get_stderr()


def _migrations_target(directory: str) -> ClickhouseMigrationsTarget:
    return ClickhouseMigrationsTarget({}, Address(directory, target_name="migration_set"))


def test_migrate_runs_the_entry_point_once_per_set_with_options() -> None:
    subsystem = create_goal_subsystem(
        goals.MigrateSubsystem,
        url="http://ch:8123",
        status=True,
        dry_run=False,
        remote=None,
        env="staging",
    )
    targets = Targets([_migrations_target("components/schema")])
    result, launched, _ = _run(goals.migrate, subsystem, targets)
    assert result.exit_code == 0
    assert len(launched) == 1
    assert launched[0].process.argv == (
        "python",
        "{chroot}/bin.pex",
        "--migrations-dir",
        "components/schema/migrations",
        "--url",
        "http://ch:8123",
        "--status",
    )
    assert launched[0].run_in_workspace
    assert launched[0].process.env["POLO_HOME"] == "/tmp/p"


def test_migrate_propagates_the_entry_point_failure() -> None:
    subsystem = create_goal_subsystem(
        goals.MigrateSubsystem, url=None, status=False, dry_run=True, remote=None, env="staging"
    )
    targets = Targets([_migrations_target("components/schema")])
    result, launched, _ = _run(goals.migrate, subsystem, targets, exit_code=3)
    assert result.exit_code == 3
    assert launched[0].process.argv[-1] == "--dry-run"


def test_migrate_without_a_migration_set_explains_and_fails() -> None:
    subsystem = create_goal_subsystem(
        goals.MigrateSubsystem, url=None, status=False, dry_run=False, remote=None, env="staging"
    )
    targets = Targets([GenericTarget({}, Address("components/collectors", target_name="lib"))])
    result, launched, stderr = _run(goals.migrate, subsystem, targets)
    assert result.exit_code == 1
    assert launched == []
    assert "none of the 1 target(s) given is a `clickhouse_migrations` target" in stderr


def test_migrate_remote_runs_the_remote_entry_point_with_instance_and_env() -> None:
    subsystem = create_goal_subsystem(
        goals.MigrateSubsystem,
        url=None,
        status=True,
        dry_run=False,
        remote="i-0123456789abcdef0",
        env="production",
    )
    targets = Targets([_migrations_target("components/schema")])
    addresses: list[str] = []
    result, launched, _ = _run(goals.migrate, subsystem, targets, addresses=addresses)
    assert result.exit_code == 0
    assert addresses == ["infra/polo"]
    assert launched[0].process.argv[2:] == (
        "--remote",
        "i-0123456789abcdef0",
        "--env",
        "production",
        "--migrations-dir",
        "components/schema/migrations",
        "--status",
    )


def test_migrate_refuses_url_and_remote_together() -> None:
    subsystem = create_goal_subsystem(
        goals.MigrateSubsystem,
        url="http://x:8123",
        status=False,
        dry_run=False,
        remote="auto",
        env="staging",
    )
    targets = Targets([_migrations_target("components/schema")])
    result, launched, stderr = _run(goals.migrate, subsystem, targets)
    assert result.exit_code == 1
    assert launched == []
    assert "--url and --remote exclude each other" in stderr


def test_synth_and_deploy_infra_pass_their_options() -> None:
    synth = create_goal_subsystem(
        goals.SynthInfraSubsystem,
        env="production",
        out="cdk.out",
        dist="dist",
        allocation_rules="polo-allocation.toml",
    )
    _, launched, _ = _run(goals.synth_infra, synth)
    assert launched[0].process.argv[2:] == (
        "synth",
        "--env",
        "production",
        "--out",
        "cdk.out",
        "--dist",
        "dist",
        "--allocation-rules",
        "polo-allocation.toml",
    )
    deploy = create_goal_subsystem(
        goals.DeployInfraSubsystem,
        env="staging",
        dist="dist",
        destination=True,
        parameter=["ExternalId=x", "PoloAccountId=y"],
        allocation_rules=None,
    )
    _, launched, _ = _run(goals.deploy_infra, deploy)
    assert launched[0].process.argv[2:] == (
        "deploy",
        "--env",
        "staging",
        "--dist",
        "dist",
        "--destination",
        "--parameter",
        "ExternalId=x",
        "--parameter",
        "PoloAccountId=y",
    )


def test_seed_passes_only_the_options_that_were_set() -> None:
    subsystem = create_goal_subsystem(
        goals.SeedSubsystem,
        customers=3,
        clusters=None,
        resources=None,
        days=14,
        random_seed=7,
        url=None,
        replace=False,
    )
    result, launched, _ = _run(goals.seed, subsystem)
    assert result.exit_code == 0
    assert launched[0].process.argv[2:] == (
        "--customers",
        "3",
        "--days",
        "14",
        "--random-seed",
        "7",
    )


def test_polo_down_wipe_flag() -> None:
    subsystem = create_goal_subsystem(goals.PoloDownSubsystem, wipe=True)
    _, launched, _ = _run(goals.polo_down, subsystem)
    assert launched[0].process.argv[2:] == ("down", "--wipe")


def test_migrate_of_an_unknown_target_is_refused_before_anything_runs() -> None:
    rule_runner = RuleRunner(
        rules=goals.rules(),
        target_types=[ClickhouseMigrationsTarget],
    )
    rule_runner.write_files({"components/schema/BUILD": 'clickhouse_migrations(name="m")\n'})
    with pytest.raises(ExecutionError, match=r'Unmatched glob from .*"components/nope/\*"'):
        rule_runner.run_goal_rule(goals.Migrate, args=["components/nope"])
