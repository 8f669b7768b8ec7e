"""ESLint as a Pants linter, so `pants lint ::` checks the TypeScript packages too.

Pants 2.17 ships no ESLint backend. Each package listed in `[eslint].packages` is an npm package
whose BUILD file has a `package` target (its sources, the ESLint config and the lockfile) and a
`node_modules` target (the `shell_command` that runs `npm ci`). ESLint runs from that
node_modules, with the package's own flat config, on the files of the package that the lint
specs name: the same ESLint, plugins and rules as `npm run lint`, cached like any Pants process.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pants.backend.shell.subsystems.shell_setup import ShellSetup
from pants.core.goals.lint import LintFilesRequest, LintResult
from pants.core.util_rules.adhoc_process_support import (
    ResolvedExecutionDependencies,
    ResolveExecutionDependenciesRequest,
)
from pants.core.util_rules.partitions import Partition, Partitions
from pants.core.util_rules.system_binaries import BinaryPathRequest, BinaryPaths
from pants.engine.addresses import Address
from pants.engine.process import FallibleProcessResult, Process
from pants.engine.rules import Get, MultiGet, collect_rules, rule
from pants.option.option_types import ArgsListOption, SkipOption, StrListOption
from pants.option.subsystem import Subsystem
from pants.util.logging import LogLevel
from pants.util.strutil import pluralize, softwrap

LINTED_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
# Build output and test artifacts are never sources, even when a spec reaches them.
SKIPPED_DIRS = frozenset({"node_modules", "dist", "test-results", "playwright-report"})


class Eslint(Subsystem):
    options_scope = "eslint"
    name = "ESLint"
    help = "ESLint from each npm package's own node_modules and flat config (`npm ci` via Pants)."

    skip = SkipOption("lint")
    args = ArgsListOption(example="--max-warnings=10")
    packages = StrListOption(
        default=["components/ui"],
        help=softwrap(
            """
            Directories of the npm packages to lint. Each BUILD file there defines `package`
            (the package's files) and `node_modules` (`npm ci`) targets.
            """
        ),
    )


class EslintRequest(LintFilesRequest):
    tool_subsystem = Eslint


def package_files(packages: Iterable[str], files: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The lintable files of each package, as paths relative to the package directory."""
    by_package: dict[str, list[str]] = {}
    for path in files:
        if not path.endswith(LINTED_SUFFIXES):
            continue
        for package in (p.rstrip("/") for p in packages):
            if not path.startswith(package + "/"):
                continue
            relative = path[len(package) + 1 :]
            if SKIPPED_DIRS.isdisjoint(relative.split("/")[:-1]):
                by_package.setdefault(package, []).append(relative)
            break
    return {package: tuple(sorted(paths)) for package, paths in sorted(by_package.items())}


@dataclass(frozen=True)
class PackageInfo:
    directory: str

    @property
    def description(self) -> str:
        return self.directory


@rule
async def partition_eslint(
    request: EslintRequest.PartitionRequest, eslint: Eslint
) -> Partitions[str, PackageInfo]:
    if eslint.skip:
        return Partitions()
    return Partitions(
        Partition(files, PackageInfo(package))
        for package, files in package_files(eslint.packages, request.files).items()
    )


@rule(desc="Lint with ESLint", level=LogLevel.DEBUG)
async def run_eslint(
    request: EslintRequest.Batch[str, PackageInfo],
    eslint: Eslint,
    shell_setup: ShellSetup.EnvironmentAware,
) -> LintResult:
    package = request.partition_metadata.directory
    node_request = BinaryPathRequest(
        binary_name="node", search_path=shell_setup.executable_search_path
    )
    node_paths, sandbox = await MultiGet(
        Get(BinaryPaths, BinaryPathRequest, node_request),
        Get(
            ResolvedExecutionDependencies,
            ResolveExecutionDependenciesRequest(
                Address(package),
                execution_dependencies=(f"{package}:package", f"{package}:node_modules"),
                runnable_dependencies=None,
            ),
        ),
    )
    node = node_paths.first_path_or_raise(node_request, rationale="run ESLint")
    result = await Get(
        FallibleProcessResult,
        Process(
            argv=(
                node.path,
                "node_modules/eslint/bin/eslint.js",
                # A file the config ignores is not a finding when a spec happens to name it.
                "--no-warn-ignored",
                "--max-warnings=0",
                *eslint.args,
                "--",
                *request.elements,
            ),
            input_digest=sandbox.digest,
            working_directory=package,
            description=f"Run ESLint on {pluralize(len(request.elements), 'file')} in {package}.",
            level=LogLevel.DEBUG,
        ),
    )
    return LintResult.create(request, result)


def rules() -> list[Any]:
    return [*collect_rules(), *EslintRequest.rules()]
