"""The shared-cost split rules the deployed attribution rebuild applies (docs/allocation.md).

The rules file is chosen when the app is synthesised (`--allocation-rules PATH`), validated then
with the pipeline's own loader (so a broken file stops the synthesis with its file:line
problems, not the first nightly run), and shipped as a Lambda layer of that one file: the
function finds it at `/opt/<file name>`, which `POLO_ALLOCATION_RULES` names. Without a file the
function gets neither, and the rebuild splits nothing.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from attribution.allocation_rules import AllocationRulesError, load_rules

RULES_VARIABLE = "POLO_ALLOCATION_RULES"
"""The variable components/jobs/attribution_rebuild.py reads."""
LAYER_MOUNT = "/opt"
"""Where Lambda unpacks a layer's files."""


class InvalidAllocationRules(ValueError):
    pass


@dataclass(frozen=True)
class AllocationRulesFile:
    path: Path
    text: str
    rule_versions: int

    @property
    def function_path(self) -> str:
        """The file's path on the function's filesystem."""
        return f"{LAYER_MOUNT}/{self.path.name}"


def read_rules_file(path: Path) -> AllocationRulesFile:
    """The file at `path`, validated; InvalidAllocationRules names every problem and its line."""
    try:
        rules = load_rules(path)
    except AllocationRulesError as error:
        raise InvalidAllocationRules(
            f"allocation rules {path} are invalid, nothing was synthesised:\n{error}"
        ) from None
    return AllocationRulesFile(
        path=path, text=path.read_text(encoding="utf-8"), rule_versions=len(rules.rule)
    )


def rules_layer(
    scope: Construct, rules: AllocationRulesFile, runtime: lambda_.Runtime
) -> lambda_.LayerVersion:
    """A layer holding exactly the validated rules file (staged alone in the cloud assembly, so
    nothing else beside it on disk can end up in the layer)."""
    staging = Path(cdk.Stage.of(scope).outdir) / "polo-allocation-rules"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / rules.path.name).write_text(rules.text, encoding="utf-8")
    return lambda_.LayerVersion(
        scope,
        "AllocationRules",
        code=lambda_.Code.from_asset(str(staging)),
        compatible_runtimes=[runtime],
        description=f"Polo shared-cost split rules: {rules.path.name} "
        f"({rules.rule_versions} rule versions)",
    )
