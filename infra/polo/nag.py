"""cdk-nag's AWS Solutions checks, and acknowledged findings that each carry a written reason.

cdk-nag 3 runs as a CDK policy-validation plugin: `enable_checks(app)` adds it, and synthesis
raises when a finding is neither fixed nor acknowledged. Acknowledge only through
`acknowledge(...)`, which refuses an empty reason.
"""

from __future__ import annotations

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct


def enable_checks(app: cdk.App) -> None:
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))


def acknowledge(scope: IConstruct, rule_id: str, reason: str, *findings: str) -> None:
    """Acknowledge a cdk-nag rule for `scope` and everything below it.

    Rules with granular findings (IAM4, IAM5) are acknowledged one finding at a time, e.g.
    `acknowledge(role, "AwsSolutions-IAM4", why, "Policy::arn:<AWS::Partition>:iam::aws:...")`.
    """
    if len(reason.strip()) < 20:
        raise ValueError(f"acknowledging {rule_id} needs a written reason, got {reason!r}")
    ids = [f"{rule_id}[{finding}]" for finding in findings] or [rule_id]
    cdk.Validations.of(scope).acknowledge(
        *(cdk.Acknowledgment(id=rule_id, reason=reason) for rule_id in ids)
    )


def managed_policy_finding(name: str) -> str:
    """The IAM4 finding of an AWS managed policy, as cdk-nag names it."""
    return f"Policy::arn:<AWS::Partition>:iam::aws:policy/{name}"
