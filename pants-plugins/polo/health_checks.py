"""Repo health rules, as pure functions over paths and target metadata.

They run inside Pants (Python 3.9), so this module depends on nothing outside the stdlib; the
goal in `health.py` gathers the inputs and prints what these return.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

TEST_TAGS = ("unit", "schema", "integration", "perf", "e2e")
TEST_TARGET_ALIASES = frozenset(
    {"python_tests", "python_test", "experimental_test_shell_command", "shell_tests", "shell_test"}
)
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
_NOT_MODULES = frozenset({"__init__.py", "conftest.py"})


@dataclass(frozen=True)
class Problem:
    check: str
    path: str
    message: str

    def render(self) -> str:
        return f"[{self.check}] {self.path}: {self.message}"


def _is_test_file(name: str) -> bool:
    return name.endswith("_test.py") or name.startswith("test_")


def modules_without_tests(python_files: Iterable[str]) -> list[Problem]:
    """A module `foo.py` needs `foo_test.py`, `test_foo.py` or `foo_<kind>_test.py` beside it."""
    by_dir: dict[str, set[str]] = {}
    for path in python_files:
        by_dir.setdefault(posixpath.dirname(path), set()).add(posixpath.basename(path))
    problems = []
    for directory, names in sorted(by_dir.items()):
        tests = {name for name in names if _is_test_file(name)}
        for name in sorted(names - tests - _NOT_MODULES):
            stem = name[: -len(".py")]
            covered = f"test_{name}" in tests or any(
                test == f"{stem}_test.py" or test.startswith(f"{stem}_") for test in tests
            )
            if not covered:
                problems.append(
                    Problem(
                        "module-has-test",
                        posixpath.join(directory, name),
                        "no test file beside it: add "
                        + posixpath.join(directory, f"{stem}_test.py"),
                    )
                )
    return problems


@dataclass(frozen=True)
class TestTarget:
    address: str
    alias: str
    tags: tuple[str, ...]


def test_targets_without_one_tag(targets: Iterable[TestTarget]) -> list[Problem]:
    """Every test target carries exactly one of the test tags."""
    problems = []
    for target in sorted(targets, key=lambda t: t.address):
        if target.alias not in TEST_TARGET_ALIASES:
            continue
        kinds = [tag for tag in target.tags if tag in TEST_TAGS]
        if len(kinds) != 1:
            found = ", ".join(kinds) if kinds else "none"
            problems.append(
                Problem(
                    "test-target-tag",
                    target.address,
                    f"needs exactly one of tags={list(TEST_TAGS)} (found: {found})",
                )
            )
    return problems


def migration_gaps(migration_files: Sequence[str]) -> list[Problem]:
    """Migrations in one directory are named NNN_name.sql, numbered 001, 002, ... with no gap."""
    by_dir: dict[str, list[str]] = {}
    for path in migration_files:
        by_dir.setdefault(posixpath.dirname(path), []).append(posixpath.basename(path))
    problems = []
    for directory, names in sorted(by_dir.items()):
        numbers: dict[int, list[str]] = {}
        for name in sorted(names):
            match = _MIGRATION_NAME.match(name)
            if not match:
                problems.append(
                    Problem(
                        "migrations",
                        posixpath.join(directory, name),
                        "migration files must be named NNN_lower_snake_name.sql",
                    )
                )
                continue
            numbers.setdefault(int(match.group(1)), []).append(name)
        for number, files in sorted(numbers.items()):
            if len(files) > 1:
                problems.append(
                    Problem("migrations", directory, f"number {number:03d} is used by {files}")
                )
        expected = list(range(1, len(numbers) + 1))
        if sorted(numbers) != expected:
            missing = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))
            problems.append(
                Problem(
                    "migrations",
                    directory,
                    f"numbers must run 001..{len(numbers):03d} without gaps; missing "
                    + ", ".join(f"{n:03d}" for n in missing),
                )
            )
    return problems


def first_party_mismatch(
    ruff_config_path: str, known_first_party: Sequence[str], top_level_packages: Iterable[str]
) -> list[Problem]:
    """ruff's isort `known-first-party` lists exactly the top-level packages of the source roots."""
    declared = set(known_first_party)
    actual = set(top_level_packages)
    problems = []
    if actual - declared:
        problems.append(
            Problem(
                "ruff-first-party",
                ruff_config_path,
                f"add {sorted(actual - declared)} to [lint.isort] known-first-party",
            )
        )
    if declared - actual:
        problems.append(
            Problem(
                "ruff-first-party",
                ruff_config_path,
                f"remove {sorted(declared - actual)} from [lint.isort] known-first-party "
                "(no such package under a source root)",
            )
        )
    return problems


def top_level_packages(source_roots: Iterable[str], init_files: Iterable[str]) -> set[str]:
    """Names of the packages directly under a source root (a directory with `__init__.py`)."""
    roots = {root.strip("/") for root in source_roots}
    packages = set()
    for path in init_files:
        package_dir = posixpath.dirname(path)
        if posixpath.dirname(package_dir) in roots:
            packages.add(posixpath.basename(package_dir))
    return packages


def _requirement_lines(text: str) -> set[str]:
    lines = set()
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.add(line)
    return lines


def lockfile_out_of_date(
    requirements_path: str, requirements_text: str, lockfile_path: str, lockfile_text: str
) -> list[Problem]:
    """The lockfile's header records the requirements it was generated from: they must match."""
    inside = False
    header = []
    for line in lockfile_text.splitlines():
        if "BEGIN PANTS LOCKFILE METADATA" in line:
            inside = True
        elif "END PANTS LOCKFILE METADATA" in line:
            break
        elif inside:
            header.append(line[2:] if line.startswith("//") else line)
    try:
        metadata: Mapping[str, object] = json.loads("\n".join(header)) if header else {}
    except ValueError:
        metadata = {}
    locked = metadata.get("generated_with_requirements")
    if not isinstance(locked, list):
        return [Problem("lockfile", lockfile_path, "has no Pants metadata header: regenerate it")]
    wanted = _requirement_lines(requirements_text)
    if {str(r) for r in locked} != wanted:
        return [
            Problem(
                "lockfile",
                lockfile_path,
                f"out of date with {requirements_path}: run "
                "`./pants generate-lockfiles` (differs: "
                f"{sorted(wanted.symmetric_difference(str(r) for r in locked))})",
            )
        ]
    return []
