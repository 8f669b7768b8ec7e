"""ClickHouse on one EC2 instance in private subnets, reachable only inside the VPC.

- a pinned ClickHouse server version, installed and configured by the user data: HTTPS on 8443
  (a certificate made on first boot for the instance's private DNS name, published to an SSM
  parameter for clients), plain HTTP only for SSM port-forwarding sessions (the security group
  admits 8443 alone, from the client security group), the `polo` database, a writer user
  (collectors, jobs, migrations) and a read-only user (the API);
- a separate encrypted EBS data volume (customer-managed KMS key) at /var/lib/clickhouse, with
  daily snapshots by Data Lifecycle Manager;
- credentials generated into Secrets Manager, never in a template or the code;
- no SSH, no key pair, no public IP: operators use SSM Session Manager;
- CloudWatch alarms on the data disk, the instance and system status checks (the system check
  recovers the instance).
"""

from __future__ import annotations

import json

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dlm as dlm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from polo.nag import acknowledge, managed_policy_finding
from polo.settings import Settings

HTTPS_PORT = 8443
HTTP_PORT = 8123
DATABASE = "polo"
WRITER_USER = "polo_writer"
READER_USER = "polo_reader"
DATA_MOUNT = "/var/lib/clickhouse"
DATA_DEVICE = "/dev/sdf"


class ClickHouseStack(cdk.Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, settings: Settings, **kwargs
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.settings = settings
        prefix = settings.prefix

        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(settings.vpc_cidr),
            max_azs=settings.max_azs,
            nat_gateways=settings.nat_gateways,
            subnet_configuration=[
                # Only the NAT gateway lives here: collectors reach AWS APIs in every region.
                ec2.SubnetConfiguration(
                    name="public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=26
                ),
                ec2.SubnetConfiguration(
                    name="private", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS, cidr_mask=24
                ),
            ],
        )
        flow_logs = logs.LogGroup(
            self,
            "FlowLogs",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.vpc.add_flow_log(
            "FlowLog", destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs)
        )

        self.alarm_topic = sns.Topic(
            self,
            "Alarms",
            display_name=f"Polo {settings.env} alarms",
            master_key=kms.Alias.from_alias_name(self, "SnsKey", "alias/aws/sns"),
            enforce_ssl=True,
        )

        self.data_key = kms.Key(
            self,
            "DataKey",
            description=f"{prefix}: ClickHouse EBS volumes and their snapshots",
            enable_key_rotation=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )

        self.writer_secret = self._credentials("WriterCredentials", WRITER_USER)
        self.reader_secret = self._credentials("ReaderCredentials", READER_USER)
        self.certificate_parameter_name = f"/polo/{settings.env}/clickhouse/tls-certificate"

        # Clients (collectors, jobs) join this group; only it reaches ClickHouse, on HTTPS.
        self.client_security_group = ec2.SecurityGroup(
            self,
            "ClientSecurityGroup",
            vpc=self.vpc,
            description=f"{prefix}: may reach ClickHouse over HTTPS",
            allow_all_outbound=True,
        )
        self.server_security_group = ec2.SecurityGroup(
            self,
            "ServerSecurityGroup",
            vpc=self.vpc,
            description=f"{prefix}: ClickHouse server (HTTPS from clients only; no SSH)",
            # Packages, SSM, CloudWatch, Secrets Manager through the NAT gateway.
            allow_all_outbound=True,
        )
        self.server_security_group.add_ingress_rule(
            self.client_security_group,
            ec2.Port.tcp(HTTPS_PORT),
            "ClickHouse HTTPS from Polo's Lambdas",
        )

        role = iam.Role(
            self,
            "InstanceRole",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            description=f"{prefix}: ClickHouse host (SSM Session Manager, CloudWatch agent)",
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore"),
                iam.ManagedPolicy.from_aws_managed_policy_name("CloudWatchAgentServerPolicy"),
            ],
        )
        acknowledge(
            role,
            "AwsSolutions-IAM4",
            "AmazonSSMManagedInstanceCore and CloudWatchAgentServerPolicy are the AWS-maintained "
            "minimum for Session Manager access and the CloudWatch agent (disk metrics); "
            "copying them would only freeze them.",
            managed_policy_finding("AmazonSSMManagedInstanceCore"),
            managed_policy_finding("CloudWatchAgentServerPolicy"),
        )
        self.writer_secret.grant_read(role)
        self.reader_secret.grant_read(role)
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["ssm:PutParameter"],
                resources=[
                    cdk.Stack.of(self).format_arn(
                        service="ssm",
                        resource="parameter",
                        resource_name=self.certificate_parameter_name.lstrip("/"),
                    )
                ],
            )
        )

        # The instance and its data volume share one AZ, fixed by the subnet (the volume cannot
        # follow the instance's AZ attribute: the user data names the volume).
        self.subnet = self.vpc.private_subnets[0]
        self.instance = ec2.Instance(
            self,
            "Server",
            vpc=self.vpc,
            vpc_subnets=ec2.SubnetSelection(subnets=[self.subnet]),
            instance_type=ec2.InstanceType(settings.instance_type),
            machine_image=ec2.MachineImage.latest_amazon_linux2023(),
            security_group=self.server_security_group,
            role=role,
            associate_public_ip_address=False,
            require_imdsv2=True,
            detailed_monitoring=True,
            disable_api_termination=True,
            block_devices=[
                ec2.BlockDevice(
                    device_name="/dev/xvda",
                    volume=ec2.BlockDeviceVolume.ebs(
                        settings.root_volume_gib,
                        encrypted=True,
                        volume_type=ec2.EbsDeviceVolumeType.GP3,
                    ),
                )
            ],
            user_data_causes_replacement=False,
        )
        acknowledge(
            self.instance,
            "AwsSolutions-EC29",
            "A single ClickHouse host by design (docs/infra.md): termination protection is on "
            "and the data lives on a separate retained, snapshotted volume; an Auto Scaling "
            "group of one would detach that volume on every replacement.",
        )

        self.data_volume = ec2.Volume(
            self,
            "DataVolume",
            availability_zone=self.subnet.availability_zone,
            size=cdk.Size.gibibytes(settings.data_volume_gib),
            volume_type=ec2.EbsDeviceVolumeType.GP3,
            encrypted=True,
            encryption_key=self.data_key,
            removal_policy=cdk.RemovalPolicy.SNAPSHOT,
        )
        cdk.Tags.of(self.data_volume).add("polo:snapshot", prefix)
        ec2.CfnVolumeAttachment(
            self,
            "DataVolumeAttachment",
            instance_id=self.instance.instance_id,
            volume_id=self.data_volume.volume_id,
            device=DATA_DEVICE,
        )
        self.instance.user_data.add_commands(*self._user_data())

        self._snapshots()
        self._alarms()

        # `migrate-remote --remote=auto` finds the instance through this parameter.
        ssm.StringParameter(
            self,
            "InstanceIdParameter",
            parameter_name=settings.instance_parameter_name,
            string_value=self.instance.instance_id,
            description=f"{prefix}: the ClickHouse instance (for SSM sessions)",
        )
        cdk.CfnOutput(self, "InstanceId", value=self.instance.instance_id)
        cdk.CfnOutput(self, "PrivateDnsName", value=self.instance.instance_private_dns_name)
        cdk.CfnOutput(self, "WriterSecretArn", value=self.writer_secret.secret_arn)
        cdk.CfnOutput(self, "ReaderSecretArn", value=self.reader_secret.secret_arn)
        cdk.CfnOutput(self, "AlarmTopicArn", value=self.alarm_topic.topic_arn)

    @property
    def https_endpoint(self) -> str:
        """`https://<private dns>:8443/polo`, without credentials."""
        return f"https://{self.instance.instance_private_dns_name}:{HTTPS_PORT}/{DATABASE}"

    def _credentials(self, construct_id: str, username: str) -> secretsmanager.Secret:
        secret = secretsmanager.Secret(
            self,
            construct_id,
            secret_name=self.settings.secret_name(username),
            description=f"{self.settings.prefix}: ClickHouse user {username}",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template=json.dumps({"username": username}),
                generate_string_key="password",
                password_length=40,
                # Letters and digits only: the password goes into URLs and XML unescaped.
                exclude_punctuation=True,
            ),
        )
        acknowledge(
            secret,
            "AwsSolutions-SMG4",
            "Rotation needs the new password written into ClickHouse's users.d on the host; the "
            "runbook in docs/infra.md rotates by re-running the user-data step through SSM. No "
            "rotation Lambda is deployed.",
        )
        return secret

    def _user_data(self) -> list[str]:
        s = self.settings
        cert_dir = "/etc/clickhouse-server"
        volume_id = self.data_volume.volume_id
        agent_config = {
            "metrics": {
                "namespace": "CWAgent",
                "append_dimensions": {"InstanceId": "${aws:InstanceId}"},
                "aggregation_dimensions": [["InstanceId", "path"]],
                "metrics_collected": {
                    "disk": {"measurement": ["used_percent"], "resources": [DATA_MOUNT, "/"]},
                    "mem": {"measurement": ["mem_used_percent"]},
                },
            }
        }
        return [
            "set -euo pipefail",
            f"REGION={cdk.Aws.REGION}",
            # 1. The data volume (NVMe on Nitro: found by its volume id), formatted once.
            f"VOLUME_ID={volume_id}",
            'DEV="/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${VOLUME_ID/-/}"',
            f'for i in $(seq 1 60); do [ -e "$DEV" ] && break; [ -e {DATA_DEVICE} ] && '
            f"DEV={DATA_DEVICE} && break; sleep 5; done",
            'blkid "$DEV" || mkfs.xfs -L clickhouse "$DEV"',
            f"mkdir -p {DATA_MOUNT}",
            f"grep -q LABEL=clickhouse /etc/fstab || echo 'LABEL=clickhouse {DATA_MOUNT} xfs "
            "defaults,nofail,noatime 0 2' >> /etc/fstab",
            "mount -a",
            # 2. ClickHouse, pinned.
            "dnf install -y dnf-plugins-core jq openssl amazon-cloudwatch-agent",
            "dnf config-manager --add-repo https://packages.clickhouse.com/rpm/clickhouse.repo",
            f"dnf install -y clickhouse-server-{s.clickhouse_version} "
            f"clickhouse-client-{s.clickhouse_version} "
            f"clickhouse-common-static-{s.clickhouse_version}",
            f"chown -R clickhouse:clickhouse {DATA_MOUNT}",
            # 3. TLS for the private DNS name; the certificate goes to SSM for clients.
            "TOKEN=$(curl -sX PUT http://169.254.169.254/latest/api/token "
            "-H 'X-aws-ec2-metadata-token-ttl-seconds: 300')",
            'HOST=$(curl -s -H "X-aws-ec2-metadata-token: $TOKEN" '
            "http://169.254.169.254/latest/meta-data/local-hostname)",
            f"[ -s {cert_dir}/server.crt ] || openssl req -x509 -newkey rsa:2048 -nodes "
            f'-days 825 -subj "/CN=$HOST" -addext "subjectAltName=DNS:$HOST" '
            f"-keyout {cert_dir}/server.key -out {cert_dir}/server.crt",
            f"chown clickhouse:clickhouse {cert_dir}/server.key {cert_dir}/server.crt",
            f"chmod 600 {cert_dir}/server.key",
            f'aws ssm put-parameter --region "$REGION" --overwrite --type String '
            f"--name {self.certificate_parameter_name} --value file://{cert_dir}/server.crt",
            f"cat > {cert_dir}/config.d/polo.xml <<'XML'",
            "<clickhouse>",
            "  <listen_host>0.0.0.0</listen_host>",
            f"  <https_port>{HTTPS_PORT}</https_port>",
            # Plain HTTP stays for SSM port-forwarding sessions (migrate-remote); the security
            # group admits only 8443 from the VPC.
            f"  <http_port>{HTTP_PORT}</http_port>",
            '  <tcp_port remove="1"/>',
            '  <interserver_http_port remove="1"/>',
            "  <openSSL><server>",
            f"    <certificateFile>{cert_dir}/server.crt</certificateFile>",
            f"    <privateKeyFile>{cert_dir}/server.key</privateKeyFile>",
            "    <verificationMode>none</verificationMode>",
            "    <disableProtocols>sslv2,sslv3,tlsv1,tlsv1_1</disableProtocols>",
            "  </server></openSSL>",
            "</clickhouse>",
            "XML",
            # 4. Users from Secrets Manager: the default user only on localhost, with no rights
            # beyond it; the writer owns the polo database; the reader only reads it.
            f'WRITER=$(aws secretsmanager get-secret-value --region "$REGION" '
            f"--secret-id {self.writer_secret.secret_arn} --query SecretString --output text "
            "| jq -r .password)",
            f'READER=$(aws secretsmanager get-secret-value --region "$REGION" '
            f"--secret-id {self.reader_secret.secret_arn} --query SecretString --output text "
            "| jq -r .password)",
            'sha() { printf %s "$1" | sha256sum | cut -d" " -f1; }',
            f"cat > {cert_dir}/users.d/polo.xml <<XML",
            "<clickhouse><users>",
            '  <default><networks replace="replace"><ip>::1</ip><ip>127.0.0.1</ip></networks>'
            "</default>",
            f'  <{WRITER_USER}><password_sha256_hex>$(sha "$WRITER")</password_sha256_hex>',
            "    <networks><ip>::/0</ip></networks><profile>default</profile>",
            f"    <grants><query>GRANT ALL ON {DATABASE}.*</query></grants></{WRITER_USER}>",
            f'  <{READER_USER}><password_sha256_hex>$(sha "$READER")</password_sha256_hex>',
            "    <networks><ip>::/0</ip></networks><profile>readonly</profile>",
            f"    <grants><query>GRANT SELECT ON {DATABASE}.*</query></grants></{READER_USER}>",
            "</users></clickhouse>",
            "XML",
            f"chmod 640 {cert_dir}/users.d/polo.xml && chown root:clickhouse "
            f"{cert_dir}/users.d/polo.xml",
            "systemctl enable --now clickhouse-server",
            "for i in $(seq 1 60); do clickhouse-client --query 'SELECT 1' && break; sleep 2; done",
            f"clickhouse-client --query 'CREATE DATABASE IF NOT EXISTS {DATABASE}'",
            # 5. Disk and memory metrics for the alarms.
            "cat > /opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json <<'JSON'",
            json.dumps(agent_config),
            "JSON",
            "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config "
            "-m ec2 -s -c file:/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json",
        ]

    def _snapshots(self) -> None:
        role = iam.Role(
            self,
            "SnapshotRole",
            assumed_by=iam.ServicePrincipal("dlm.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name(
                    "service-role/AWSDataLifecycleManagerServiceRole"
                )
            ],
        )
        acknowledge(
            role,
            "AwsSolutions-IAM4",
            "AWSDataLifecycleManagerServiceRole is the AWS-maintained policy Data Lifecycle "
            "Manager needs to create and delete the data volume's snapshots.",
            managed_policy_finding("service-role/AWSDataLifecycleManagerServiceRole"),
        )
        self.data_key.grant_encrypt_decrypt(role)
        self.data_key.grant(role, "kms:CreateGrant", "kms:DescribeKey")
        acknowledge(
            role,
            "AwsSolutions-IAM5",
            "kms:GenerateDataKey* and kms:ReEncrypt* are CDK's grant_encrypt_decrypt on the one "
            "data key: snapshots of an encrypted volume need them; the resource is that key.",
            "Action::kms:GenerateDataKey*",
            "Action::kms:ReEncrypt*",
        )
        dlm.CfnLifecyclePolicy(
            self,
            "DataSnapshots",
            description=f"{self.settings.prefix} daily ClickHouse data volume snapshots",
            execution_role_arn=role.role_arn,
            state="ENABLED",
            policy_details=dlm.CfnLifecyclePolicy.PolicyDetailsProperty(
                resource_types=["VOLUME"],
                target_tags=[
                    cdk.CfnTag(key="polo:snapshot", value=self.settings.prefix),
                ],
                schedules=[
                    dlm.CfnLifecyclePolicy.ScheduleProperty(
                        name="daily",
                        copy_tags=True,
                        create_rule=dlm.CfnLifecyclePolicy.CreateRuleProperty(
                            interval=24, interval_unit="HOURS", times=["03:00"]
                        ),
                        retain_rule=dlm.CfnLifecyclePolicy.RetainRuleProperty(
                            count=self.settings.snapshot_retain_days
                        ),
                    )
                ],
            ),
        )

    def _alarms(self) -> None:
        action = cw_actions.SnsAction(self.alarm_topic)
        instance_id = self.instance.instance_id
        disk = cloudwatch.Alarm(
            self,
            "DataDiskAlarm",
            alarm_description=f"ClickHouse data disk above {self.settings.disk_alarm_percent} %",
            metric=cloudwatch.Metric(
                namespace="CWAgent",
                metric_name="disk_used_percent",
                dimensions_map={"InstanceId": instance_id, "path": DATA_MOUNT},
                statistic="Maximum",
                period=cdk.Duration.minutes(5),
            ),
            threshold=self.settings.disk_alarm_percent,
            evaluation_periods=2,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            # No metric means the agent or the host is down: that needs a look too.
            treat_missing_data=cloudwatch.TreatMissingData.BREACHING,
        )
        disk.add_alarm_action(action)
        instance_check = cloudwatch.Alarm(
            self,
            "InstanceStatusAlarm",
            alarm_description="ClickHouse host failed its instance status check",
            metric=cloudwatch.Metric(
                namespace="AWS/EC2",
                metric_name="StatusCheckFailed_Instance",
                dimensions_map={"InstanceId": instance_id},
                statistic="Maximum",
                period=cdk.Duration.minutes(1),
            ),
            threshold=1,
            evaluation_periods=3,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.BREACHING,
        )
        instance_check.add_alarm_action(action)
        system_check = cloudwatch.Alarm(
            self,
            "SystemStatusAlarm",
            alarm_description="ClickHouse host failed its system status check: recovering it",
            metric=cloudwatch.Metric(
                namespace="AWS/EC2",
                metric_name="StatusCheckFailed_System",
                dimensions_map={"InstanceId": instance_id},
                statistic="Maximum",
                period=cdk.Duration.minutes(1),
            ),
            threshold=1,
            evaluation_periods=2,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        )
        system_check.add_alarm_action(action)
        system_check.add_alarm_action(cw_actions.Ec2Action(cw_actions.Ec2InstanceAction.RECOVER))
