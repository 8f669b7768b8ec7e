"""Which component may import which: the table of docs/architecture.md, held against the source.

Every `.py` under `components/<component>/` and `infra/polo/` (the component `infra`) is parsed
with `ast`, imports inside functions included (a lazy import is still a dependency). An absolute
import whose first name is another component is an edge; it must be allowed by the importing
component's row ("may import", and for `*_test.py` / `conftest.py` also "its tests may also
import"). Production modules must form no import cycle, between components or between modules.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARCHITECTURE = REPO / "docs" / "architecture.md"
INFRA = "infra"
# The CDK app's package is `polo` under infra/ (pants-plugins' `polo` imports no component).
INFRA_PACKAGE = "polo"
_ROW = re.compile(r"^\|\s*`(?P<name>\w+)`\s*\|(?P<imports>[^|]*)\|(?P<tests>[^|]*)\|\s*$")
_NAME = re.compile(r"`(\w+)`")


@dataclass(frozen=True)
class Rule:
    may_import: frozenset[str]
    tests_may_also_import: frozenset[str]


@dataclass(frozen=True)
class Edge:
    path: Path
    line: int
    component: str
    imported: str
    module: str
    in_test: bool


def read_rules(markdown: str) -> dict[str, Rule]:
    """The rows of the "Allowed dependencies" table: `| `name` | `a`, `b` | `c` (why) |`.

    Only backticked names count in a cell, so a cell can say why ("`collectors` (...)").
    """
    section = markdown.split("## Allowed dependencies", 1)[1].split("\n## ", 1)[0]
    rules = {}
    for line in section.splitlines():
        row = _ROW.match(line)
        if row:
            rules[row["name"]] = Rule(
                may_import=frozenset(_NAME.findall(row["imports"])),
                tests_may_also_import=frozenset(_NAME.findall(row["tests"])),
            )
    return rules


def component_roots(repo: Path) -> dict[str, Path]:
    """Component name -> its package directory (`infra` -> infra/polo)."""
    roots = {
        path.name: path
        for path in sorted((repo / "components").iterdir())
        if (path / "__init__.py").is_file()
    }
    if (repo / INFRA / INFRA_PACKAGE / "__init__.py").is_file():
        roots[INFRA] = repo / INFRA / INFRA_PACKAGE
    return roots


def _package_of(component: str) -> str:
    return INFRA_PACKAGE if component == INFRA else component


def is_test(path: Path) -> bool:
    return path.name.endswith("_test.py") or path.name == "conftest.py"


def _imported_modules(tree: ast.AST) -> Iterator[tuple[int, str, tuple[str, ...]]]:
    """(line, module, names imported from it) of every absolute import in the tree."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, ()
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module, tuple(alias.name for alias in node.names)


def edges(repo: Path) -> list[Edge]:
    """Every import of one component by another."""
    roots = component_roots(repo)
    by_package = {_package_of(name): name for name in roots}
    found = []
    for component, root in roots.items():
        for path in sorted(root.rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            for line, module, _names in _imported_modules(tree):
                imported = by_package.get(module.split(".")[0])
                if imported is not None and imported != component:
                    found.append(
                        Edge(
                            path.relative_to(repo), line, component, imported, module, is_test(path)
                        )
                    )
    return found


def violations(repo: Path, rules: Mapping[str, Rule]) -> list[str]:
    """One line per import the table forbids, per component the table does not list and per
    row naming no component (a stale row, or source the test cannot see)."""
    roots = component_roots(repo)
    problems = [
        f"components/{name}: a component missing from docs/architecture.md's table"
        for name in roots
        if name not in rules
    ]
    problems += [
        f"{name}: a row of the table, but no such component" for name in rules if name not in roots
    ]
    for edge in edges(repo):
        rule = rules.get(edge.component)
        if rule is None:
            continue
        allowed = rule.may_import | (rule.tests_may_also_import if edge.in_test else frozenset())
        if edge.imported not in allowed:
            who = "its tests" if edge.in_test else edge.component
            what = f"only {sorted(allowed)}" if allowed else "no other component"
            problems.append(
                f"{edge.path}:{edge.line}: {edge.component} imports {edge.module}; "
                f"{who} may import {what}"
            )
    return problems


def component_graph(repo: Path) -> dict[str, set[str]]:
    """Component -> the components its production modules import."""
    graph: dict[str, set[str]] = {name: set() for name in component_roots(repo)}
    for edge in edges(repo):
        if not edge.in_test:
            graph[edge.component].add(edge.imported)
    return graph


def module_graph(repo: Path) -> dict[str, set[str]]:
    """Production module -> the production modules it imports (`from a import b`: `a.b` when
    that is a module, else `a`)."""
    modules: dict[str, Path] = {}
    for component, root in component_roots(repo).items():
        for path in root.rglob("*.py"):
            if not is_test(path):
                parts = (_package_of(component), *path.relative_to(root).with_suffix("").parts)
                modules[".".join(parts).removesuffix(".__init__")] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for _line, module, names in _imported_modules(ast.parse(path.read_text())):
            candidates = [f"{module}.{n}" for n in names if f"{module}.{n}" in modules]
            if not candidates:
                while module and module not in modules:
                    module = module.rpartition(".")[0]
                candidates = [module] if module else []
            targets.update(c for c in candidates if c != name)
        graph[name] = targets
    return graph


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            part = []
            while True:
                member = stack.pop()
                part.append(member)
                if member == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def _rules_graph(rules: Mapping[str, Rule]) -> dict[str, set[str]]:
    return {name: set(rule.may_import) for name, rule in rules.items()}


# The repository as it is.


def test_every_import_between_components_is_allowed_by_the_table() -> None:
    assert violations(REPO, read_rules(ARCHITECTURE.read_text())) == []


def test_the_table_itself_has_no_cycle() -> None:
    assert cycles(_rules_graph(read_rules(ARCHITECTURE.read_text()))) == []


def test_no_import_cycle_between_components() -> None:
    assert cycles(component_graph(REPO)) == []


def test_no_import_cycle_between_modules() -> None:
    assert cycles(module_graph(REPO)) == []


# The checks on small trees that break the rules: each must fail.

TABLE = """## Allowed dependencies

| component | may import | its tests may also import |
|---|---|---|
| `clickhouse` | — | — |
| `collectors` | `clickhouse` | `testing` (shared fakes) |
| `attribution` | `clickhouse`, `collectors` | — |
| `stack` | `clickhouse` | — |
| `testing` | `collectors` | — |
"""


def _tree(root: Path, files: Mapping[str, str]) -> Path:
    for package in ("clickhouse", "collectors", "attribution", "stack", "testing"):
        (root / "components" / package).mkdir(parents=True)
        (root / "components" / package / "__init__.py").write_text("")
    for name, source in files.items():
        (root / name).write_text(source)
    return root


def test_the_table_is_read_from_markdown() -> None:
    rules = read_rules(TABLE)
    assert rules["attribution"].may_import == {"clickhouse", "collectors"}
    assert rules["clickhouse"] == Rule(frozenset(), frozenset())
    assert rules["collectors"].tests_may_also_import == {"testing"}


def test_collectors_importing_attribution_is_reported(tmp_path: Path) -> None:
    repo = _tree(
        tmp_path,
        {
            "components/collectors/runner.py": "from clickhouse.client import connect\n",
            "components/collectors/store.py": (
                "def load():\n    from attribution.pipeline import rebuild\n"
            ),
        },
    )
    assert violations(repo, read_rules(TABLE)) == [
        "components/collectors/store.py:2: collectors imports attribution.pipeline; "
        "collectors may import only ['clickhouse']"
    ]


def test_importing_stack_is_reported(tmp_path: Path) -> None:
    repo = _tree(tmp_path, {"components/attribution/seed.py": "import stack.stack\n"})
    assert violations(repo, read_rules(TABLE)) == [
        "components/attribution/seed.py:1: attribution imports stack.stack; attribution may "
        "import only ['clickhouse', 'collectors']"
    ]


def test_test_support_is_for_tests_only(tmp_path: Path) -> None:
    repo = _tree(
        tmp_path,
        {
            "components/collectors/runner_test.py": "from testing.moto_fleet import moto_aws\n",
            "components/collectors/runner.py": "from testing.moto_fleet import moto_aws\n",
        },
    )
    assert violations(repo, read_rules(TABLE)) == [
        "components/collectors/runner.py:1: collectors imports testing.moto_fleet; "
        "collectors may import only ['clickhouse']"
    ]


def test_the_clickhouse_library_importing_a_component_is_reported(tmp_path: Path) -> None:
    repo = _tree(
        tmp_path, {"components/clickhouse/client.py": "from collectors.common import models\n"}
    )
    assert violations(repo, read_rules(TABLE)) == [
        "components/clickhouse/client.py:1: clickhouse imports collectors.common; clickhouse "
        "may import no other component"
    ]


def test_a_component_missing_from_the_table_is_reported(tmp_path: Path) -> None:
    repo = _tree(tmp_path, {})
    (repo / "components" / "billing").mkdir()
    (repo / "components" / "billing" / "__init__.py").write_text("")
    assert violations(repo, read_rules(TABLE)) == [
        "components/billing: a component missing from docs/architecture.md's table"
    ]


def test_a_row_without_its_component_is_reported(tmp_path: Path) -> None:
    repo = _tree(tmp_path, {})
    rules = read_rules(TABLE + "| `billing` | `clickhouse` | — |\n")
    assert violations(repo, rules) == ["billing: a row of the table, but no such component"]


def test_a_cycle_between_components_is_found(tmp_path: Path) -> None:
    repo = _tree(
        tmp_path,
        {
            "components/clickhouse/client.py": "import collectors.common.models\n",
            "components/collectors/runner.py": "from clickhouse.client import connect\n",
            "components/collectors/runner_test.py": "import attribution.pipeline\n",
        },
    )
    # The test module's import is no production dependency, so it closes no cycle.
    assert cycles(component_graph(repo)) == [["clickhouse", "collectors"]]


def test_a_cycle_between_modules_of_one_component_is_found(tmp_path: Path) -> None:
    # The shape stack.py and api_service.py had before the Service model got its own module:
    # the import that closes the cycle hides inside a function.
    repo = _tree(
        tmp_path,
        {
            "components/stack/stack.py": (
                "class Service: ...\n\ndef up():\n    from stack.api_service import api_service\n"
            ),
            "components/stack/api_service.py": "from stack.stack import Service\n",
            "components/stack/service.py": "",
            "components/stack/ui_service.py": "from stack import service\n",
        },
    )
    assert cycles(module_graph(repo)) == [["stack.api_service", "stack.stack"]]


def test_a_cycle_in_the_table_is_found() -> None:
    rules = read_rules(TABLE.replace("| `clickhouse` | — |", "| `clickhouse` | `attribution` |"))
    assert cycles(_rules_graph(rules)) == [["attribution", "clickhouse", "collectors"]]
