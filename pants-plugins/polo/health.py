"""`pants health`: repo health checks (see `health_checks.py` for the rules themselves)."""

from __future__ import annotations

import posixpath

import toml
from pants.engine.console import Console
from pants.engine.fs import DigestContents, PathGlobs, Paths
from pants.engine.goal import Goal, GoalSubsystem
from pants.engine.rules import Get, MultiGet, collect_rules, goal_rule
from pants.engine.target import (
    AllUnexpandedTargets,
    HydratedSources,
    HydrateSourcesRequest,
    Tags,
)
from pants.option.option_types import DictOption, StrOption
from pants.source.source_root import AllSourceRoots
from pants.util.strutil import softwrap

from polo import health_checks
from polo.clickhouse_migrations import ClickhouseMigrationSourcesField


class HealthSubsystem(GoalSubsystem):
    name = "health"
    help = softwrap(
        """
        Repo health: every Python module under `components/` has a test file beside it, every
        test target carries exactly one test tag, migrations are numbered without gaps, ruff's
        known-first-party list matches the source roots, and lockfiles match their requirements.
        """
    )

    modules_glob = StrOption(
        default="components/**/*.py", help="The Python modules that must each have a test."
    )
    ruff_config = StrOption(default="ruff.toml", help="The ruff config holding known-first-party.")
    lockfiles = DictOption[str](
        default={},
        help="Requirements file -> the lockfile generated from it, e.g. "
        "`{'3rdparty/python/requirements.txt': '3rdparty/python/default.lock'}`.",
    )


class Health(Goal):
    subsystem_cls = HealthSubsystem
    environment_behavior = Goal.EnvironmentBehavior.LOCAL_ONLY


async def _read(path: str) -> str:
    contents = await Get(DigestContents, PathGlobs([path]))
    return contents[0].content.decode() if contents else ""


@goal_rule
async def health(
    console: Console,
    subsystem: HealthSubsystem,
    all_targets: AllUnexpandedTargets,
    source_roots: AllSourceRoots,
) -> Health:
    roots = sorted(root.path for root in source_roots if root.path not in ("", "."))
    module_paths, init_paths = await MultiGet(
        Get(Paths, PathGlobs([subsystem.modules_glob])),
        Get(Paths, PathGlobs([posixpath.join(root, "*", "__init__.py") for root in roots])),
    )
    migration_sources = await MultiGet(
        Get(HydratedSources, HydrateSourcesRequest(tgt[ClickhouseMigrationSourcesField]))
        for tgt in all_targets
        if tgt.has_field(ClickhouseMigrationSourcesField)
    )

    problems = []
    problems += health_checks.modules_without_tests(module_paths.files)
    problems += health_checks.test_targets_without_one_tag(
        health_checks.TestTarget(
            address=tgt.address.spec, alias=tgt.alias, tags=tuple(tgt.get(Tags).value or ())
        )
        for tgt in all_targets
    )
    problems += health_checks.migration_gaps(
        [path for sources in migration_sources for path in sources.snapshot.files]
    )

    ruff_text = await _read(subsystem.ruff_config)
    known: list = []
    if ruff_text:
        isort = toml.loads(ruff_text).get("lint", {}).get("isort", {})
        known = list(isort.get("known-first-party", []))
    problems += health_checks.first_party_mismatch(
        subsystem.ruff_config,
        known,
        health_checks.top_level_packages(roots, init_paths.files),
    )

    lockfiles: dict[str, str] = dict(subsystem.lockfiles)
    for requirements_path, lockfile_path in sorted(lockfiles.items()):
        problems += health_checks.lockfile_out_of_date(
            requirements_path,
            await _read(requirements_path),
            lockfile_path,
            await _read(lockfile_path),
        )

    for problem in problems:
        console.print_stderr(console.red(problem.render()))
    if problems:
        console.print_stderr(f"health: {len(problems)} problem(s) to fix")
        return Health(exit_code=1)
    console.print_stdout("health: all checks passed")
    return Health(exit_code=0)


def rules():
    return collect_rules()
