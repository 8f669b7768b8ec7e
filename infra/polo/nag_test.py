"""cdk-nag runs on every synthesis of Polo's apps and every acknowledged finding has a reason."""

from __future__ import annotations

import json
import re
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2

from polo.nag import acknowledge, enable_checks

# Reviewed acknowledgments: adding one is a visible change to this list (and its reason).
EXPECTED_ACKNOWLEDGED = {
    "AwsSolutions-EC29",
    "AwsSolutions-IAM4",
    "AwsSolutions-IAM5",
    "AwsSolutions-L1",
    "AwsSolutions-SMG4",
    "AwsSolutions-SQS3",
}


def _acknowledged(assembly) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in Path(assembly.directory).glob("*.metadata.json"):
        for entries in json.loads(path.read_text()).values():
            for entry in entries:
                if entry["type"] == "aws:cdk:acknowledged-rules":
                    found.update(entry["data"])
    return found


def test_both_apps_synthesise_with_no_unacknowledged_finding(staging_assembly) -> None:
    # The fixture synthesised them with AwsSolutionsChecks: an unacknowledged finding would
    # have raised there.
    polo, destination = staging_assembly
    assert {s.stack_name for s in polo.stacks} == {
        "Polo-Staging-ClickHouse",
        "Polo-Staging-Collectors",
    }
    assert [s.stack_name for s in destination.stacks] == ["Polo-Staging-Destination"]


def test_every_acknowledgment_carries_a_reason_and_the_list_is_reviewed(staging_assembly) -> None:
    acknowledged = {}
    for assembly in staging_assembly:
        acknowledged.update(_acknowledged(assembly))
    solutions = {rule: reason for rule, reason in acknowledged.items() if "AwsSolutions-" in rule}
    assert solutions, "no acknowledgment found: is cdk-nag running?"
    for rule, reason in solutions.items():
        assert len(reason.split()) >= 8, f"{rule}: {reason!r}"
    rules = {re.search(r"AwsSolutions-[A-Z]+\d+", rule).group(0) for rule in solutions}
    assert rules == EXPECTED_ACKNOWLEDGED


def test_an_unacknowledged_finding_fails_synthesis(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    enable_checks(app)
    stack = cdk.Stack(app, "Open")
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0, restrict_default_security_group=False)
    group = ec2.SecurityGroup(stack, "Ssh", vpc=vpc)
    group.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(22), "ssh from anywhere")
    with pytest.raises(Exception, match="AwsSolutions-EC23"):
        app.synth()


def test_an_acknowledgment_without_a_reason_is_refused() -> None:
    app = cdk.App()
    with pytest.raises(ValueError, match="needs a written reason"):
        acknowledge(cdk.Stack(app, "S"), "AwsSolutions-IAM4", "ok")
