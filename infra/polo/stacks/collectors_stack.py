"""The collectors and the scheduled jobs, in the ClickHouse stack's VPC.

- one Lambda per collector from the zip `./pants package components/collectors::` builds, each
  on its own EventBridge schedule, with a dead-letter queue (failed async invocations and
  undeliverable events), at most one run at a time, and alarms on errors and on the DLQ;
- an EventBridge rule for the CloudTrail calls the lifecycle collector maps, feeding its handler
  in real time (the Polo account's own events; member accounts are covered by the hourly
  LookupEvents fan-out, see docs/infra.md);
- the daily attribution rebuild (`attribution.pipeline` over the last N days), with the
  shared-cost split rules file given at synthesis as a layer (`polo.allocation`), and the freshness
  job, which turns `collector_runs` into one CloudWatch metric per collector: a staleness alarm
  fires when a collector has had no successful run for twice its period;
- least privilege: the collectors' role may assume `PoloReadRole` (with the external id) and
  read the ClickHouse writer secret; the functions sit in private subnets in the one security
  group ClickHouse admits.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from polo.allocation import RULES_VARIABLE, AllocationRulesFile, rules_layer
from polo.artifacts import lambda_code
from polo.nag import acknowledge, managed_policy_finding
from polo.settings import FRESHNESS_JOB, REBUILD_JOB, Collector, Job, Settings
from polo.stacks.clickhouse_stack import DATABASE, ClickHouseStack

FRESHNESS_NAMESPACE = "Polo/Collectors"
FRESHNESS_METRIC = "MinutesSinceLastSuccess"

_LOG_RETENTION = {
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    90: logs.RetentionDays.THREE_MONTHS,
}


def lifecycle_event_pattern() -> events.EventPattern:
    """CloudTrail calls the lifecycle collector maps (`collectors.lifecycle.mapping`)."""
    from collectors.lifecycle.mapping import EVENT_NAMES

    sources = sorted(EVENT_NAMES)
    return events.EventPattern(
        source=[f"aws.{source.split('.')[0]}" for source in sources],
        detail_type=["AWS API Call via CloudTrail"],
        detail={
            "eventSource": sources,
            "eventName": sorted({name for names in EVENT_NAMES.values() for name in names}),
        },
    )


class CollectorsStack(cdk.Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: Settings,
        clickhouse: ClickHouseStack,
        dist: Path,
        allocation_rules: AllocationRulesFile | None = None,
        **kwargs,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.settings = settings
        self.clickhouse = clickhouse
        self.dist = dist
        self.alarm_action = cw_actions.SnsAction(clickhouse.alarm_topic)

        target_accounts = cdk.CfnParameter(
            self,
            "TargetAccounts",
            type="String",
            allowed_pattern=r"^\d{12}(,\d{12})*$",
            description="Member accounts to collect, comma separated (POLO_TARGET_ACCOUNTS).",
        )
        regions = cdk.CfnParameter(
            self,
            "Regions",
            type="String",
            allowed_pattern=r"^[a-z0-9-]+(,[a-z0-9-]+)*$",
            description="Regions to collect, comma separated (POLO_REGIONS).",
        )
        payer_account = cdk.CfnParameter(
            self,
            "PayerAccountId",
            type="String",
            allowed_pattern=r"^\d{12}$",
            description="The payer (management) account whose Cost Explorer is read.",
        )
        external_id = cdk.CfnParameter(
            self,
            "ExternalId",
            type="String",
            no_echo=True,
            min_length=16,
            max_length=1224,
            allowed_pattern=r"^[\w+=,.@:/-]+$",
            description="The STS external id every PoloReadRole requires.",
        )

        self.clickhouse_environment = {
            "POLO_CLICKHOUSE_ENDPOINT": clickhouse.https_endpoint,
            "POLO_CLICKHOUSE_SECRET_ARN": clickhouse.writer_secret.secret_arn,
            "POLO_CLICKHOUSE_CA_PARAMETER": clickhouse.certificate_parameter_name,
            "POLO_CLICKHOUSE_DATABASE": DATABASE,
        }
        collector_environment = {
            **self.clickhouse_environment,
            "POLO_TARGET_ACCOUNTS": target_accounts.value_as_string,
            "POLO_REGIONS": regions.value_as_string,
            "POLO_READ_ROLE_NAME": settings.read_role_name,
            "POLO_EXTERNAL_ID": external_id.value_as_string,
        }

        self.collectors_role = self._role(
            "CollectorsRole",
            role_name=settings.collectors_role_name,
            description=f"{settings.prefix}: collector Lambdas (assume PoloReadRole)",
        )
        self.collectors_role.add_to_policy(
            iam.PolicyStatement(
                sid="AssumePoloReadRole",
                actions=["sts:AssumeRole"],
                resources=[f"arn:{cdk.Aws.PARTITION}:iam::*:role/{settings.read_role_name}"],
            )
        )
        acknowledge(
            self.collectors_role,
            "AwsSolutions-IAM5",
            "sts:AssumeRole on the read role's name in any account: the member accounts are a "
            "deployment parameter, and each PoloReadRole trusts only this role with the external "
            "id, so the wildcard grants nothing a member account has not opted into.",
            f"Resource::arn:<AWS::Partition>:iam::*:role/{settings.read_role_name}",
        )
        self.jobs_role = self._role(
            "JobsRole", description=f"{settings.prefix}: attribution rebuild and freshness jobs"
        )
        self.jobs_role.add_to_policy(
            iam.PolicyStatement(
                sid="PublishFreshness",
                actions=["cloudwatch:PutMetricData"],
                resources=["*"],
                conditions={"StringEquals": {"cloudwatch:namespace": FRESHNESS_NAMESPACE}},
            )
        )
        acknowledge(
            self.jobs_role,
            "AwsSolutions-IAM5",
            "cloudwatch:PutMetricData has no resource-level permissions (AWS requires '*'); a "
            "condition limits it to the Polo/Collectors namespace.",
            "Resource::*",
        )

        self.functions: dict[str, lambda_.Function] = {}
        self.queues: dict[str, sqs.Queue] = {}
        self.rules: dict[str, events.Rule] = {}
        for collector in settings.collectors:
            environment = dict(collector_environment)
            if collector.name == "cost_explorer":
                environment["POLO_CE_PAYER_ACCOUNT"] = payer_account.value_as_string
            self._collector(collector, environment)

        lifecycle = self.functions.get("lifecycle")
        if lifecycle is not None:
            self.rules["lifecycle-cloudtrail"] = events.Rule(
                self,
                "LifecycleCloudTrailRule",
                description="CloudTrail calls mapped by the lifecycle collector, in real time",
                event_pattern=lifecycle_event_pattern(),
                targets=[self._target(lifecycle, self.queues["lifecycle"])],
            )

        rebuild_environment = {
            **self.clickhouse_environment,
            "POLO_REBUILD_DAYS": str(settings.rebuild_days),
        }
        layers = []
        if allocation_rules is not None:
            layers.append(rules_layer(self, allocation_rules, self._runtime()))
            rebuild_environment[RULES_VARIABLE] = allocation_rules.function_path
        rebuild = self._job(
            REBUILD_JOB,
            schedule=events.Schedule.cron(minute="0", hour=str(settings.rebuild_hour_utc)),
            environment=rebuild_environment,
            layers=layers,
        )
        self._job(
            FRESHNESS_JOB,
            schedule=events.Schedule.rate(cdk.Duration.minutes(settings.freshness_period_minutes)),
            environment={
                **self.clickhouse_environment,
                "POLO_FRESHNESS_NAMESPACE": FRESHNESS_NAMESPACE,
                "POLO_FRESHNESS_COLLECTORS": ",".join(c.name for c in settings.collectors),
            },
        )
        self.rebuild_function = rebuild

    # -- building blocks ---------------------------------------------------------------------

    def _role(self, construct_id: str, *, description: str, role_name: str | None = None):
        role = iam.Role(
            self,
            construct_id,
            role_name=role_name,
            description=description,
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name(
                    "service-role/AWSLambdaVPCAccessExecutionRole"
                )
            ],
        )
        acknowledge(
            role,
            "AwsSolutions-IAM4",
            "AWSLambdaVPCAccessExecutionRole is the AWS-maintained minimum for a Lambda in a VPC "
            "(its ENIs and its CloudWatch Logs); it grants nothing else.",
            managed_policy_finding("service-role/AWSLambdaVPCAccessExecutionRole"),
        )
        self.clickhouse.writer_secret.grant_read(role)
        role.add_to_policy(
            iam.PolicyStatement(
                sid="ReadClickHouseCertificate",
                actions=["ssm:GetParameter"],
                resources=[
                    cdk.Stack.of(self).format_arn(
                        service="ssm",
                        resource="parameter",
                        resource_name=self.clickhouse.certificate_parameter_name.lstrip("/"),
                    )
                ],
            )
        )
        return role

    def _dlq(self, name: str) -> sqs.Queue:
        queue = sqs.Queue(
            self,
            f"{name}-dlq",
            queue_name=f"{self.settings.prefix}-{name}-dlq",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=cdk.Duration.days(14),
        )
        acknowledge(
            queue,
            "AwsSolutions-SQS3",
            "This queue is itself the dead-letter queue of a Lambda and its EventBridge target; "
            "its messages are kept 14 days and alarmed on.",
        )
        alarm = cloudwatch.Alarm(
            self,
            f"{name}-dlq-alarm",
            alarm_description=f"{name}: events or invocations landed in the dead-letter queue",
            metric=queue.metric_approximate_number_of_messages_visible(
                period=cdk.Duration.minutes(5), statistic="Maximum"
            ),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self.alarm_action)
        self.queues[name] = queue
        return queue

    def _function(
        self,
        name: str,
        *,
        code: lambda_.Code,
        handler: str,
        role: iam.IRole,
        memory_mb: int,
        timeout_minutes: int,
        environment: dict[str, str],
        concurrency: int | None,
        layers: list[lambda_.ILayerVersion] | None = None,
    ) -> lambda_.Function:
        queue = self._dlq(name)
        function = lambda_.Function(
            self,
            name,
            function_name=f"{self.settings.prefix}-{name}",
            runtime=self._runtime(),
            architecture=lambda_.Architecture.X86_64,
            code=code,
            handler=handler,
            layers=layers,
            role=role,
            memory_size=memory_mb,
            timeout=cdk.Duration.minutes(timeout_minutes),
            environment=environment,
            vpc=self.clickhouse.vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            security_groups=[self.clickhouse.client_security_group],
            dead_letter_queue=queue,
            retry_attempts=2,
            reserved_concurrent_executions=concurrency,
            log_group=logs.LogGroup(
                self,
                f"{name}-logs",
                retention=_LOG_RETENTION.get(
                    self.settings.log_retention_days, logs.RetentionDays.ONE_MONTH
                ),
                removal_policy=cdk.RemovalPolicy.DESTROY,
            ),
        )
        acknowledge(
            function,
            "AwsSolutions-L1",
            "The runtime is pinned to the one the artifacts are built for (python_awslambda "
            "runtime in the collectors' BUILD files, Settings.lambda_runtime); both move together.",
        )
        errors = cloudwatch.Alarm(
            self,
            f"{name}-errors-alarm",
            alarm_description=f"{name}: the Lambda failed",
            metric=function.metric_errors(period=cdk.Duration.minutes(5), statistic="Sum"),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        errors.add_alarm_action(self.alarm_action)
        self.functions[name] = function
        return function

    def _runtime(self) -> lambda_.Runtime:
        return lambda_.Runtime(self.settings.lambda_runtime, lambda_.RuntimeFamily.PYTHON)

    def _target(self, function: lambda_.IFunction, queue: sqs.IQueue) -> targets.LambdaFunction:
        return targets.LambdaFunction(
            function,
            dead_letter_queue=queue,
            retry_attempts=4,
            max_event_age=cdk.Duration.hours(2),
        )

    def _collector(self, collector: Collector, environment: dict[str, str]) -> None:
        function = self._function(
            collector.name,
            code=lambda_code(
                self.dist, collector.artifact, collector.handler, what=f"collector {collector.name}"
            ),
            handler=collector.handler,
            role=self.collectors_role,
            memory_mb=collector.memory_mb,
            timeout_minutes=collector.timeout_minutes,
            environment=environment,
            # One scheduled run at a time; the lifecycle handler also takes real-time events.
            concurrency=None if collector.name == "lifecycle" else 1,
        )
        self.rules[collector.name] = events.Rule(
            self,
            f"{collector.name}-schedule",
            description=f"Run the {collector.name} collector every {collector.period_minutes} min",
            schedule=events.Schedule.rate(cdk.Duration.minutes(collector.period_minutes)),
            targets=[self._target(function, self.queues[collector.name])],
        )
        stale = cloudwatch.Alarm(
            self,
            f"{collector.name}-stale-alarm",
            alarm_description=(
                f"{collector.name}: no successful collector_runs row for "
                f"{collector.stale_after_minutes} min (twice its period)"
            ),
            metric=cloudwatch.Metric(
                namespace=FRESHNESS_NAMESPACE,
                metric_name=FRESHNESS_METRIC,
                dimensions_map={"Collector": collector.name},
                statistic="Minimum",
                period=cdk.Duration.minutes(self.settings.freshness_period_minutes),
            ),
            threshold=collector.stale_after_minutes,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            # No metric means the freshness job itself is not reporting: nobody knows.
            treat_missing_data=cloudwatch.TreatMissingData.BREACHING,
        )
        stale.add_alarm_action(self.alarm_action)

    def _job(
        self,
        job: Job,
        *,
        schedule: events.Schedule,
        environment: dict[str, str],
        layers: list[lambda_.ILayerVersion] | None = None,
    ) -> lambda_.Function:
        function = self._function(
            job.name,
            code=lambda_code(self.dist, job.artifact, job.handler, what=f"job {job.name}"),
            handler=job.handler,
            role=self.jobs_role,
            memory_mb=job.memory_mb,
            timeout_minutes=job.timeout_minutes,
            environment=environment,
            concurrency=1,
            layers=layers,
        )
        self.rules[job.name] = events.Rule(
            self,
            f"{job.name}-schedule",
            description=f"Run the {job.name} job",
            schedule=schedule,
            targets=[self._target(function, self.queues[job.name])],
        )
        return function
