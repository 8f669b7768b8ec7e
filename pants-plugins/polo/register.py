"""Polo's in-repo Pants plugin: repo health and the goals that drive the local stack."""

from __future__ import annotations

from polo import eslint, goals, health, ruff_format
from polo.clickhouse_migrations import ClickhouseMigrationsTarget


def rules():
    return [*health.rules(), *goals.rules(), *ruff_format.rules(), *eslint.rules()]


def target_types():
    return [ClickhouseMigrationsTarget]
