"""The AWS API actions `PoloReadRole` grants, and how they are derived from the collectors' code.

`READ_ACTIONS` is what the destination stack puts in the role's policy. `actions_used_by` reads
the collectors' source (components/collectors) and lists every `service:Action` it can call:
for each collector package, the services it builds boto3 clients for, and every operation of
those services whose Python name (`describe_instances`, `lookup_events`, ...) appears in the
package as an attribute or a string (`paginate_items(ec2, "describe_volumes", ...)`). A test
keeps the two equal, so a collector that starts calling a new API fails the build until the role
grants it, and a permission no collector needs any more is noticed and removed.

STS is left out: `AssumeRole` is called by the collectors' own role in the Polo account (the
collectors stack grants it), and `GetCallerIdentity` needs no permission.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

# Granted to PoloReadRole in every member account (and the payer account, for Cost Explorer).
READ_ACTIONS: tuple[str, ...] = (
    # cost_explorer (payer account)
    "ce:GetCostAndUsage",
    "ce:GetCostAndUsageWithResources",
    # lifecycle (scheduled LookupEvents)
    "cloudtrail:LookupEvents",
    # config_ec2, config_ebs, config_network, relationships
    "ec2:DescribeAddresses",
    "ec2:DescribeInstances",
    "ec2:DescribeNatGateways",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSnapshots",
    "ec2:DescribeSubnets",
    "ec2:DescribeVolumes",
    "ec2:DescribeVpcs",
    # config_network, relationships (ELB classic and v2 share the IAM prefix)
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
    # tags
    "tag:GetResources",
)

# boto3 client name -> IAM action prefix, where the two differ from botocore's signing name.
_IAM_PREFIX = {"resourcegroupstaggingapi": "tag"}
_NOT_READ_ROLE = frozenset({"sts"})
# `session.client("ec2")`; `boto3.client(...)` is the Lambda's own role (e.g. reading Polo's
# ClickHouse secret), never the read role.
_CLIENT_CALL = re.compile(r"""(?<!boto3)\.client\(\s*["']([a-z0-9-]+)["']""")


def _is_test_or_fixture(path: Path) -> bool:
    name = path.name
    return name.endswith("_test.py") or name.startswith("test_") or name == "conftest.py"


def _client_variables(tree: ast.AST) -> dict[str, str]:
    """`ec2 = session.client("ec2", ...)` -> {"ec2": "ec2"}."""
    variables = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            args = node.value.args
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "client"
                and args
                and isinstance(args[0], ast.Constant)
                and isinstance(args[0].value, str)
            ):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        variables[target.id] = args[0].value
    return variables


def _mentions(source: str) -> set[tuple[str | None, str]]:
    """(service or None, name): where an operation's Python name can appear.

    `elbv2.describe_tags` and `paginate_items(ec2, "describe_volumes", ...)` name their client's
    service when the client variable was assigned from `session.client("<service>")` in the same
    module; other mentions (`self._client.lookup_events`) carry None: any service of the package.
    """
    tree = ast.parse(source)
    clients = _client_variables(tree)

    def service_of(node: ast.AST) -> str | None:
        return clients.get(node.id) if isinstance(node, ast.Name) else None

    mentions: set[tuple[str | None, str]] = set()
    in_calls: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            mentions.add((service_of(node.value), node.attr))
        elif isinstance(node, ast.Call):
            receiver = service_of(node.args[0]) if node.args else None
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    mentions.add((receiver, arg.value))
                    in_calls.add(id(arg))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in in_calls
        ):
            mentions.add((None, node.value))
    return mentions


def _operations(service: str) -> dict[str, str]:
    """Python name -> API name of every operation of a boto3 service."""
    import botocore.session
    from botocore import xform_name

    model = botocore.session.get_session().get_service_model(service)
    return {xform_name(op): op for op in model.operation_names}


def _iam_prefix(service: str) -> str:
    import botocore.session

    if service in _IAM_PREFIX:
        return _IAM_PREFIX[service]
    return botocore.session.get_session().get_service_model(service).signing_name


_READ_ROLE_MARKERS = ("assume_role", "collectors.common.runner")


def uses_read_role(sources: Iterable[str]) -> bool:
    """A collector reaches AWS through PoloReadRole when it assumes it itself (`assume_role`)
    or runs through the common runner (which assumes it per target account)."""
    return any(marker in text for text in sources for marker in _READ_ROLE_MARKERS)


def calls_by_package(collectors_dir: Path) -> dict[str, tuple[bool, set[str]]]:
    """Collector package -> (whether it calls through PoloReadRole, its `service:Action`s)."""
    found: dict[str, tuple[bool, set[str]]] = {}
    for package in sorted(p for p in collectors_dir.iterdir() if (p / "__init__.py").is_file()):
        sources = [
            path.read_text()
            for path in sorted(package.glob("*.py"))
            if not _is_test_or_fixture(path)
        ]
        services = {s for text in sources for s in _CLIENT_CALL.findall(text)} - _NOT_READ_ROLE
        mentions = set().union(*(_mentions(text) for text in sources)) if sources else set()
        actions = set()
        for service in sorted(services):
            prefix = _iam_prefix(service)
            for python_name, operation in _operations(service).items():
                if (service, python_name) in mentions or (None, python_name) in mentions:
                    actions.add(f"{prefix}:{operation}")
        found[package.name] = (uses_read_role(sources), actions)
    return found


def actions_used_by(collectors_dir: Path) -> dict[str, set[str]]:
    """`service:Action` -> the collector packages calling it through PoloReadRole.

    Collectors that call AWS with their own Lambda role (not through the read role) are left
    out: their permissions belong to that role, in the Polo account.
    """
    used: dict[str, set[str]] = {}
    for package, (through_read_role, actions) in calls_by_package(collectors_dir).items():
        if through_read_role:
            for action in actions:
                used.setdefault(action, set()).add(package)
    return used


def unused_and_missing(granted: Iterable[str], used: Iterable[str]) -> tuple[list[str], list[str]]:
    """(granted but not used, used but not granted), each sorted."""
    granted_set, used_set = set(granted), set(used)
    return sorted(granted_set - used_set), sorted(used_set - granted_set)
