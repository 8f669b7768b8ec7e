"""What an operator relies on in the ClickHouse stack: no way in but HTTPS from Polo's own
Lambdas and SSM, data encrypted and snapshotted, credentials generated, alarms wired."""

from __future__ import annotations

import json

from polo.conftest import flatten, only, resources
from polo.settings import settings_for
from polo.stacks.clickhouse_stack import DATA_MOUNT, HTTPS_PORT, READER_USER, WRITER_USER

STAGING = settings_for("staging")


def _instance(templates) -> dict:
    return only(templates["ClickHouse"], "AWS::EC2::Instance")[1]["Properties"]


def _user_data(templates) -> str:
    return flatten(_instance(templates)["UserData"])


def test_the_instance_has_no_public_ip_no_key_pair_and_sits_in_a_private_subnet(templates):
    instance = _instance(templates)
    assert "KeyName" not in instance
    (interface,) = instance["NetworkInterfaces"]
    assert interface["AssociatePublicIpAddress"] is False
    subnet_id = interface["SubnetId"]["Ref"]
    subnet = templates["ClickHouse"].to_json()["Resources"][subnet_id]["Properties"]
    assert subnet["MapPublicIpOnLaunch"] is False
    tags = {t["Key"]: t["Value"] for t in subnet["Tags"]}
    assert tags["aws-cdk:subnet-type"] == "Private"


def test_no_ssh_and_only_https_from_the_client_group(templates):
    template = templates["ClickHouse"]
    ingress = resources(template, "AWS::EC2::SecurityGroupIngress")
    inline = [
        rule
        for group in resources(template, "AWS::EC2::SecurityGroup").values()
        for rule in group["Properties"].get("SecurityGroupIngress", [])
    ]
    assert inline == []  # nothing open to a CIDR
    (rule,) = (r["Properties"] for r in ingress.values())
    assert (rule["FromPort"], rule["ToPort"], rule["IpProtocol"]) == (HTTPS_PORT, HTTPS_PORT, "tcp")
    assert "CidrIp" not in rule and "CidrIpv6" not in rule
    assert rule["SourceSecurityGroupId"]["Fn::GetAtt"][0].startswith("ClientSecurityGroup")
    assert rule["GroupId"]["Fn::GetAtt"][0].startswith("ServerSecurityGroup")
    # Port 22 appears nowhere, and sshd is not what operators use: Session Manager is.
    assert '"FromPort": 22' not in json.dumps(template.to_json())


def test_session_manager_access_and_imdsv2(templates):
    template = templates["ClickHouse"]
    role = next(
        r["Properties"]
        for logical_id, r in resources(template, "AWS::IAM::Role").items()
        if logical_id.startswith("InstanceRole")
    )
    managed = json.dumps(role["ManagedPolicyArns"])
    assert "AmazonSSMManagedInstanceCore" in managed
    (launch_template,) = resources(template, "AWS::EC2::LaunchTemplate").values()
    options = launch_template["Properties"]["LaunchTemplateData"]["MetadataOptions"]
    assert options["HttpTokens"] == "required"


def test_volumes_are_encrypted_and_the_data_volume_is_snapshotted(templates):
    template = templates["ClickHouse"].to_json()
    root = _instance(templates)["BlockDeviceMappings"][0]["Ebs"]
    assert root["Encrypted"] is True
    volume_id, volume = only(templates["ClickHouse"], "AWS::EC2::Volume")
    props = volume["Properties"]
    assert props["Encrypted"] is True
    key_id = props["KmsKeyId"]["Fn::GetAtt"][0]
    assert template["Resources"][key_id]["Properties"]["EnableKeyRotation"] is True
    assert props["Size"] == STAGING.data_volume_gib
    assert volume["DeletionPolicy"] == "Snapshot"
    # Attached to the instance, and in the instance's AZ.
    (attachment,) = resources(templates["ClickHouse"], "AWS::EC2::VolumeAttachment").values()
    assert attachment["Properties"]["VolumeId"] == {"Ref": volume_id}
    assert props["AvailabilityZone"] == _instance(templates)["AvailabilityZone"]
    # The DLM policy targets the tag the volume carries, daily, keeping the configured count.
    (policy,) = resources(templates["ClickHouse"], "AWS::DLM::LifecyclePolicy").values()
    details = policy["Properties"]["PolicyDetails"]
    (target,) = details["TargetTags"]
    assert {"Key": target["Key"], "Value": target["Value"]} in props["Tags"]
    (schedule,) = details["Schedules"]
    assert schedule["CreateRule"]["Interval"] == 24
    assert schedule["RetainRule"]["Count"] == STAGING.snapshot_retain_days


def test_credentials_are_generated_in_secrets_manager(templates):
    secrets = resources(templates["ClickHouse"], "AWS::SecretsManager::Secret")
    by_name = {s["Properties"]["Name"]: s["Properties"] for s in secrets.values()}
    assert set(by_name) == {STAGING.secret_name(WRITER_USER), STAGING.secret_name(READER_USER)}
    for props in by_name.values():
        assert "SecretString" not in props  # nothing literal in the template
        assert props["GenerateSecretString"]["GenerateStringKey"] == "password"
        assert props["GenerateSecretString"]["PasswordLength"] >= 32


def test_user_data_installs_the_pinned_version_and_configures_tls_users_and_database(templates):
    script = _user_data(templates)
    version = STAGING.clickhouse_version
    assert f"clickhouse-server-{version} " in script
    assert f"clickhouse-common-static-{version}" in script
    assert f"<https_port>{HTTPS_PORT}</https_port>" in script
    assert "tlsv1,tlsv1_1" in script  # old protocols off
    assert "CREATE DATABASE IF NOT EXISTS polo" in script
    # The reader is read-only; the writer owns the polo database; the default user stays local.
    assert f"<{READER_USER}>" in script and "<profile>readonly</profile>" in script
    assert "GRANT SELECT ON polo.*" in script
    assert f"<{WRITER_USER}>" in script and "GRANT ALL ON polo.*" in script
    assert "<ip>127.0.0.1</ip></networks></default>" in script
    # Passwords are read on the host, stored hashed: never in the template.
    assert "password_sha256_hex" in script and "get-secret-value" in script
    assert f"LABEL=clickhouse {DATA_MOUNT}" in script


def test_alarms_on_disk_and_instance_health(templates):
    alarms = [
        a["Properties"]
        for a in resources(templates["ClickHouse"], "AWS::CloudWatch::Alarm").values()
    ]
    by_metric = {a["MetricName"]: a for a in alarms}
    disk = by_metric["disk_used_percent"]
    assert {"Name": "path", "Value": DATA_MOUNT} in disk["Dimensions"]
    assert disk["Threshold"] == STAGING.disk_alarm_percent
    assert disk["TreatMissingData"] == "breaching"
    assert "StatusCheckFailed_Instance" in by_metric
    system = by_metric["StatusCheckFailed_System"]
    assert any(
        ":automate:" in flatten(action) and "recover" in flatten(action)
        for action in system["AlarmActions"]
    )
    # Every alarm notifies the alarm topic.
    for alarm in alarms:
        assert any("Alarms" in flatten(action) for action in alarm["AlarmActions"]), alarm


def test_vpc_has_flow_logs_and_the_alarm_topic_is_encrypted(templates):
    template = templates["ClickHouse"]
    template.resource_count_is("AWS::EC2::FlowLog", 1)
    (topic,) = resources(template, "AWS::SNS::Topic").values()
    assert "KmsMasterKeyId" in topic["Properties"]
