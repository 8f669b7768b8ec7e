"""Unit tests of the runner: file handling, bookkeeping and lock logic (no ClickHouse)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from schema.migrate import (
    DEFAULT_MIGRATIONS_DIR,
    AppliedRecord,
    MigrationSetError,
    checksum,
    compute_status,
    integrity_problems,
    load_migrations,
    main,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def write(
    directory: Path, name: str, sql: str = "CREATE TABLE IF NOT EXISTS t (x UInt8) ENGINE = Memory;"
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(sql)
    return path


def record(
    path: Path, version: int, *, digest: str | None = None, name: str | None = None
) -> AppliedRecord:
    return AppliedRecord(
        version=version,
        name=name or path.name,
        checksum=digest or checksum(path.read_bytes()),
        applied_at=T0,
    )


def test_checksum_is_sha256_and_ignores_line_ending_style() -> None:
    assert checksum(b"SELECT 1;\n") == checksum(b"SELECT 1;\r\n")
    assert checksum(b"SELECT 1;\n") != checksum(b"SELECT 2;\n")
    assert re.fullmatch(r"[0-9a-f]{64}", checksum(b""))


def test_shipped_migrations_are_contiguous_and_split_cleanly() -> None:
    migrations = load_migrations()
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    for migration in migrations:
        assert migration.path.parent == DEFAULT_MIGRATIONS_DIR
        assert migration.statements, migration.name
        emptied = None
        for statement in migration.statements:
            # Every statement is idempotent, so a migration that failed half-way can be re-run:
            # a CREATE ... IF NOT EXISTS, a CREATE OR REPLACE VIEW, an ADD COLUMN IF NOT EXISTS
            # (also as columns added to the sorting key: setting the same key again changes
            # nothing), or a backfill that first empties the table it fills.
            text = statement.text
            backfill = re.match(r"INSERT INTO (\w+)\s", text)
            if backfill:
                assert backfill.group(1) == emptied, f"{migration.name}: unguarded INSERT"
                continue
            truncate = re.match(r"TRUNCATE TABLE (\w+)$", text)
            emptied = truncate.group(1) if truncate else None
            assert truncate or re.match(
                r"CREATE (TABLE|VIEW|MATERIALIZED VIEW) IF NOT EXISTS |CREATE OR REPLACE VIEW "
                r"|ALTER TABLE \w+ ADD COLUMN IF NOT EXISTS \w+ [^,;]+$"
                r"|ALTER TABLE \w+(\s+ADD COLUMN IF NOT EXISTS \w+ [^,;]+,)+"
                r"\s+MODIFY ORDER BY \([^;]+\)$",
                text,
            ), f"{migration.name}: {text[:60]}"


def test_migrations_are_ordered_by_number_across_directories(tmp_path: Path) -> None:
    write(tmp_path / "b", "002_second.sql")
    write(tmp_path / "a", "003_third.sql")
    write(tmp_path / "a", "001_first.sql")
    (tmp_path / "a" / "README.md").write_text("not a migration")
    migrations = load_migrations([tmp_path / "a", tmp_path / "b"])
    assert [m.name for m in migrations] == ["001_first.sql", "002_second.sql", "003_third.sql"]


def test_gap_in_numbers_names_the_files(tmp_path: Path) -> None:
    write(tmp_path, "001_first.sql")
    write(tmp_path, "002_second.sql")
    write(tmp_path, "004_fourth.sql")
    with pytest.raises(
        MigrationSetError, match=r"expected 003 after 002_second.sql, found .*004_fourth.sql"
    ):
        load_migrations([tmp_path])


def test_numbers_must_start_at_one(tmp_path: Path) -> None:
    write(tmp_path, "002_second.sql")
    with pytest.raises(
        MigrationSetError, match=r"expected 001 after the start, found .*002_second.sql"
    ):
        load_migrations([tmp_path])


def test_duplicate_numbers_name_both_files(tmp_path: Path) -> None:
    write(tmp_path / "a", "001_first.sql")
    write(tmp_path / "a", "002_mine.sql")
    write(tmp_path / "b", "002_yours.sql")
    with pytest.raises(MigrationSetError) as error:
        load_migrations([tmp_path / "a", tmp_path / "b"])
    assert "duplicate migration numbers" in str(error.value)
    assert "002_mine.sql" in str(error.value)
    assert "002_yours.sql" in str(error.value)


@pytest.mark.parametrize("name", ["1_short.sql", "001-dash.sql", "001_.sql", "abc_name.sql"])
def test_misnamed_sql_file_is_an_error(tmp_path: Path, name: str) -> None:
    write(tmp_path, "001_first.sql")
    write(tmp_path, name)
    with pytest.raises(MigrationSetError, match=re.escape(name)):
        load_migrations([tmp_path])


def test_missing_or_empty_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(MigrationSetError, match="does not exist"):
        load_migrations([tmp_path / "nope"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(MigrationSetError, match="has no .sql migrations"):
        load_migrations([tmp_path / "empty"])


def test_unsplittable_or_statementless_file_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "a", "001_first.sql", "SELECT 'unterminated;")
    with pytest.raises(MigrationSetError, match=r"001_first.sql: unterminated string literal"):
        load_migrations([tmp_path / "a"])
    write(tmp_path / "b", "001_first.sql", "-- only a comment;\n")
    with pytest.raises(MigrationSetError, match=r"001_first.sql: migration has no statements"):
        load_migrations([tmp_path / "b"])


def test_status_of_applied_pending_changed_renamed_and_missing(tmp_path: Path) -> None:
    one = write(tmp_path, "001_one.sql")
    two = write(tmp_path, "002_two.sql", "SELECT 2;")
    three = write(tmp_path, "003_three.sql", "SELECT 3;")
    write(tmp_path, "004_four.sql", "SELECT 4;")
    applied = [
        record(one, 1),
        record(two, 2, digest="0" * 64),
        record(three, 3, name="003_old_name.sql"),
        AppliedRecord(version=5, name="005_gone.sql", checksum="f" * 64, applied_at=T0),
    ]
    statuses = compute_status(load_migrations([tmp_path]), applied)
    assert [(s.version, s.state) for s in statuses] == [
        (1, "applied"),
        (2, "changed"),
        (3, "changed"),
        (4, "pending"),
        (5, "missing"),
    ]
    problems = integrity_problems(statuses)
    assert len(problems) == 3
    assert str(two) in problems[0]
    assert checksum(two.read_bytes()) in problems[0] and "0" * 64 in problems[0]
    assert "003_old_name.sql" in problems[1]
    assert "005_gone.sql" in problems[2] and "file is missing" in problems[2]
    assert "file checksum" in statuses[1].describe()
    assert "renamed" in statuses[2].describe()


def test_cli_rejects_a_bad_migration_set_before_connecting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "002_second.sql")
    # The URL is never dialled: the file check comes first.
    code = main(["--migrations-dir", str(tmp_path), "--url", "http://127.0.0.1:9/x"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("migrate: error: migration numbers are not contiguous")


def test_cli_rejects_an_unsupported_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "001_first.sql")
    code = main(["--migrations-dir", str(tmp_path), "--url", "ftp://host/db", "--status"])
    assert code == 2
    assert "unsupported ClickHouse URL 'ftp://host/db'" in capsys.readouterr().err


def test_cli_status_and_dry_run_are_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--status", "--dry-run"])
    assert exit_info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_cli_rejects_a_directory_without_migrations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--migrations-dir", str(tmp_path), "--url", "http://127.0.0.1:9/x"]) == 2
    assert capsys.readouterr().err == (
        f"migrate: error: migrations directory {tmp_path} has no .sql migrations\n"
    )
