"""`PoloReadRole`, deployed into every member account (and the payer account).

Read-only, exactly to the APIs the collectors call (`polo.read_actions.READ_ACTIONS`, kept equal
to the collectors' code by a test). Only the collectors' role in the Polo account may assume it,
and only with the external id. Both are CloudFormation parameters, so one template serves every
account (StackSets or one `cdk deploy` per account) and no account id is written in the code.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from polo.nag import acknowledge
from polo.read_actions import READ_ACTIONS
from polo.settings import Settings


class DestinationStack(cdk.Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, settings: Settings, **kwargs
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        polo_account = cdk.CfnParameter(
            self,
            "PoloAccountId",
            type="String",
            allowed_pattern=r"^\d{12}$",
            description="The AWS account running Polo's collectors (12 digits).",
        )
        external_id = cdk.CfnParameter(
            self,
            "ExternalId",
            type="String",
            no_echo=True,
            min_length=16,
            max_length=1224,
            allowed_pattern=r"^[\w+=,.@:/-]+$",
            description="The STS external id the collectors present (POLO_EXTERNAL_ID).",
        )
        collectors_role_arn = cdk.Fn.sub(
            "arn:${AWS::Partition}:iam::${PoloAccountId}:role/" + settings.collectors_role_name,
            {"PoloAccountId": polo_account.value_as_string},
        )
        self.role = iam.Role(
            self,
            "PoloReadRole",
            role_name=settings.read_role_name,
            description=f"Polo ({settings.env}) collectors: read-only inventory, tags, "
            "CloudTrail lookups and Cost Explorer",
            assumed_by=iam.ArnPrincipal(collectors_role_arn).with_conditions(
                {"StringEquals": {"sts:ExternalId": external_id.value_as_string}}
            ),
            max_session_duration=cdk.Duration.hours(1),
        )
        policy = iam.Policy(
            self,
            "ReadPolicy",
            statements=[
                iam.PolicyStatement(
                    sid="PoloCollectorsRead",
                    actions=list(READ_ACTIONS),
                    resources=["*"],
                )
            ],
        )
        policy.attach_to_role(self.role)
        acknowledge(
            policy,
            "AwsSolutions-IAM5",
            "The Describe*/List-style read APIs the collectors call (EC2, ELB, Tagging, "
            "CloudTrail LookupEvents, Cost Explorer) support no resource-level permissions: "
            "AWS requires Resource '*'. The action list is exact, not a wildcard.",
            "Resource::*",
        )
        cdk.CfnOutput(self, "ReadRoleArn", value=self.role.role_arn)
