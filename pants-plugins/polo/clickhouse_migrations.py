"""The `clickhouse_migrations` target type: one numbered set of ClickHouse migrations."""

from __future__ import annotations

from pants.engine.target import COMMON_TARGET_FIELDS, MultipleSourcesField, Target


class ClickhouseMigrationSourcesField(MultipleSourcesField):
    default = ("migrations/*.sql",)
    expected_file_extensions = (".sql",)
    help = "The migration files, named `NNN_name.sql` and numbered from 001 without gaps."


class ClickhouseMigrationsTarget(Target):
    alias = "clickhouse_migrations"
    core_fields = (*COMMON_TARGET_FIELDS, ClickhouseMigrationSourcesField)
    help = (
        "A set of ClickHouse migrations applied in order by `pants migrate` "
        "(see components/schema/migrate.py)."
    )
