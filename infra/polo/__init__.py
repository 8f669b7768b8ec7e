"""Polo's AWS CDK app: the ClickHouse, collectors and destination (cross-account read role)
stacks."""
