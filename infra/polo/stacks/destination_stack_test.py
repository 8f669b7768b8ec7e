"""PoloReadRole: assumable only by the collectors' role with the external id; read-only, exactly
to the actions the collectors call."""

from __future__ import annotations

import json
import re

from polo.conftest import only
from polo.read_actions import READ_ACTIONS
from polo.settings import settings_for

STAGING = settings_for("staging")


def test_trust_is_limited_to_the_collectors_role_and_the_external_id(templates):
    template = templates["Destination"]
    _, role = only(template, "AWS::IAM::Role")
    props = role["Properties"]
    assert props["RoleName"] == STAGING.read_role_name
    (statement,) = props["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": {"Ref": "ExternalId"}}}
    principal = statement["Principal"]["AWS"]["Fn::Sub"]
    assert principal[0] == (
        "arn:${AWS::Partition}:iam::${PoloAccountId}:role/" + STAGING.collectors_role_name
    )
    assert principal[1] == {"PoloAccountId": {"Ref": "PoloAccountId"}}
    assert props["MaxSessionDuration"] == 3600


def test_the_external_id_is_a_hidden_parameter_and_no_account_is_written_in(templates):
    template = templates["Destination"].to_json()
    external_id = template["Parameters"]["ExternalId"]
    assert external_id["NoEcho"] is True
    assert external_id["MinLength"] >= 16
    assert template["Parameters"]["PoloAccountId"]["AllowedPattern"] == r"^\d{12}$"
    assert not re.search(r"\b\d{12}\b", json.dumps(template))


def test_the_role_may_call_exactly_the_collectors_read_actions(templates):
    _, policy = only(templates["Destination"], "AWS::IAM::Policy")
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert sorted(statement["Action"]) == sorted(READ_ACTIONS)
    assert statement["Resource"] == "*"
    # Read-only by name: nothing that creates, changes or deletes.
    for action in statement["Action"]:
        verb = action.split(":", 1)[1]
        assert verb.startswith(("Describe", "Get", "List", "Lookup")), action
