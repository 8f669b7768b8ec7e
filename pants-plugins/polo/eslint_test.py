from __future__ import annotations

from pants.core.util_rules.partitions import Partitions
from pants.testutil.option_util import create_subsystem
from pants.testutil.rule_runner import run_rule_with_mocks

from polo.eslint import Eslint, EslintRequest, PackageInfo, package_files, partition_eslint


def test_package_files_keeps_sources_relative_to_their_package() -> None:
    files = [
        "components/ui/src/main.tsx",
        "components/ui/src/lib/format.ts",
        "components/ui/e2e/support/stack.mjs",
        "components/ui/eslint.config.js",
        "components/api/src/index.ts",
        "components/ui/index.html",
        "components/ui/package.json",
        "README.md",
    ]
    assert package_files(["components/ui"], files) == {
        "components/ui": (
            "e2e/support/stack.mjs",
            "eslint.config.js",
            "src/lib/format.ts",
            "src/main.tsx",
        )
    }


def test_package_files_skips_build_output_and_dependencies() -> None:
    files = [
        "components/ui/dist/assets/index-abc.js",
        "components/ui/node_modules/react/index.js",
        "components/ui/test-results/trace.js",
        "components/ui/src/dist.ts",
    ]
    assert package_files(["components/ui"], files) == {"components/ui": ("src/dist.ts",)}


def test_package_files_splits_by_package_and_ignores_prefix_lookalikes() -> None:
    files = ["components/api/src/index.ts", "components/ui/src/a.ts", "components/uikit/x.ts"]
    assert package_files(["components/ui", "components/api/"], files) == {
        "components/api": ("src/index.ts",),
        "components/ui": ("src/a.ts",),
    }


def _partition(skip: bool, files: tuple[str, ...]) -> Partitions:
    eslint = create_subsystem(Eslint, skip=skip, args=[], packages=["components/ui"])
    return run_rule_with_mocks(
        partition_eslint, rule_args=[EslintRequest.PartitionRequest(files), eslint]
    )


def test_one_partition_per_package_with_its_directory() -> None:
    partitions = _partition(False, ("components/ui/src/a.ts", "components/ui/src/b.tsx"))
    assert [(p.elements, p.metadata) for p in partitions] == [
        (("src/a.ts", "src/b.tsx"), PackageInfo("components/ui"))
    ]


def test_skip_and_no_matching_files_lint_nothing() -> None:
    assert list(_partition(True, ("components/ui/src/a.ts",))) == []
    assert list(_partition(False, ("components/api/src/a.ts",))) == []
