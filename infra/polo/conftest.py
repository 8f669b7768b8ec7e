"""One synthesised Polo app per test process (the first synthesis costs ~15 s, later ones less
than a second): the stack tests read their templates from these session fixtures."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")


def write_fake_artifacts(dist: Path, *, skip: tuple[str, ...] = ()) -> Path:
    """Stand-in Lambda zips (the handler module only) where `./pants package` puts the real ones."""
    from polo.settings import COLLECTORS, FRESHNESS_JOB, REBUILD_JOB

    for unit in (*COLLECTORS, REBUILD_JOB, FRESHNESS_JOB):
        if unit.name in skip:
            continue
        path = dist / unit.artifact
        path.parent.mkdir(parents=True, exist_ok=True)
        module = unit.handler.rsplit(".", 1)[0].replace(".", "/") + ".py"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(module, "def handler(event, context):\n    return {}\n")
    return dist


@pytest.fixture(scope="session")
def fake_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_fake_artifacts(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def staging_assembly(tmp_path_factory: pytest.TempPathFactory, fake_dist: Path) -> Iterator:
    """The staging Polo app and destination app, synthesised once with cdk-nag enabled."""
    from polo import app, destination

    out = tmp_path_factory.mktemp("cdk.out")
    polo_app = app.build("staging", outdir=str(out / "polo"), dist=fake_dist)
    destination_app = destination.build("staging", outdir=str(out / "destination"))
    yield polo_app.synth(), destination_app.synth()


@pytest.fixture(scope="session")
def templates(staging_assembly) -> dict:
    """Stack kind ("ClickHouse", "Collectors", "Destination") -> aws_cdk.assertions.Template."""
    from aws_cdk.assertions import Template

    result = {}
    for assembly in staging_assembly:
        for stack in assembly.stacks:
            kind = stack.stack_name.rsplit("-", 1)[-1]
            result[kind] = Template.from_json(stack.template)
    return result


def flatten(value) -> str:
    """A CloudFormation value as text: `Fn::Join` parts joined, other intrinsics as `<...>`
    (enough to read user data and ARNs in assertions)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        ((name, args),) = value.items()
        if name == "Fn::Join":
            separator, parts = args
            return separator.join(flatten(part) for part in parts)
        if name == "Fn::Base64":
            return flatten(args)
        if name == "Fn::ImportValue":
            return f"<import:{flatten(args)}>"
        if name == "Ref":
            return f"<{args}>"
        if name == "Fn::GetAtt":
            return f"<{'.'.join(args)}>"
        return f"<{name}>"
    return str(value)


def resources(template, type_: str) -> dict:
    return template.find_resources(type_)


def only(template, type_: str) -> tuple[str, dict]:
    found = template.find_resources(type_)
    assert len(found) == 1, f"expected one {type_}, found {sorted(found)}"
    return next(iter(found.items()))
