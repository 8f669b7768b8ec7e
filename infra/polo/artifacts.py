"""The Lambda zips the stacks deploy, as `./pants package` writes them under dist/.

A missing or empty artifact stops the synthesis with the command that builds it: a stack must
never deploy a function without its code.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import aws_cdk.aws_lambda as lambda_

PACKAGE_COMMAND = "./pants package components/collectors:: components/jobs::"


class MissingArtifact(FileNotFoundError):
    pass


def lambda_code(dist: Path, artifact: str, handler: str, *, what: str) -> lambda_.Code:
    """`Code.from_asset` of `dist/<artifact>`, after checking the zip holds `handler`'s module."""
    path = dist / artifact
    hint = f"run `{PACKAGE_COMMAND}` first (or pass --dist to where the zips are)"
    if not path.is_file():
        raise MissingArtifact(f"{what}: Lambda artifact {path} is missing: {hint}")
    module = handler.rsplit(".", 1)[0].replace(".", "/") + ".py"
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise MissingArtifact(f"{what}: {path} is not a zip file: {hint}") from None
    if module not in names:
        raise MissingArtifact(
            f"{what}: {path} does not contain the handler module {module}: {hint}"
        )
    return lambda_.Code.from_asset(str(path))
