from __future__ import annotations

import json

from polo import health_checks as hc


def test_module_without_test_is_named_with_the_file_to_add() -> None:
    problems = hc.modules_without_tests(
        [
            "components/schema/__init__.py",
            "components/schema/migrate.py",
            "components/schema/migrate_test.py",
            "components/schema/sql_splitter.py",
            "components/schema/conftest.py",
        ]
    )
    assert [p.render() for p in problems] == [
        "[module-has-test] components/schema/sql_splitter.py: no test file beside it: "
        "add components/schema/sql_splitter_test.py"
    ]


def test_kind_specific_and_prefixed_test_files_cover_a_module() -> None:
    files = [
        "components/a/store.py",
        "components/a/store_schema_test.py",
        "components/a/loader.py",
        "components/a/test_loader.py",
    ]
    assert hc.modules_without_tests(files) == []


def test_a_test_in_another_directory_does_not_count() -> None:
    problems = hc.modules_without_tests(["components/a/store.py", "components/b/store_test.py"])
    assert [p.path for p in problems] == ["components/a/store.py"]


def test_test_targets_need_exactly_one_tag() -> None:
    targets = [
        hc.TestTarget("components/a:unit", "python_tests", ("unit",)),
        hc.TestTarget("components/a:none", "python_tests", ()),
        hc.TestTarget("components/a:two", "python_tests", ("unit", "perf")),
        hc.TestTarget("components/a:other", "python_tests", ("slow",)),
        hc.TestTarget("components/a:lib", "python_sources", ()),
        hc.TestTarget("components/api:vitest", "experimental_test_shell_command", ()),
    ]
    problems = hc.test_targets_without_one_tag(targets)
    assert [p.path for p in problems] == [
        "components/a:none",
        "components/a:other",
        "components/a:two",
        "components/api:vitest",
    ]
    assert "found: unit, perf" in problems[2].message


def test_migrations_contiguous_pass() -> None:
    files = [f"components/schema/migrations/{n:03d}_t{n}.sql" for n in range(1, 11)]
    assert hc.migration_gaps(files) == []


def test_migration_gap_duplicate_and_bad_name_are_reported() -> None:
    problems = hc.migration_gaps(
        [
            "m/migrations/001_a.sql",
            "m/migrations/003_c.sql",
            "m/migrations/003_d.sql",
            "m/migrations/4_bad.sql",
        ]
    )
    messages = [p.render() for p in problems]
    assert "[migrations] m/migrations/4_bad.sql: migration files must be named" in messages[0]
    assert any("003 is used by ['003_c.sql', '003_d.sql']" in m for m in messages)
    assert any("missing 002" in m for m in messages)


def test_first_party_list_must_match_packages() -> None:
    packages = hc.top_level_packages(
        ["/components", "pants-plugins"],
        [
            "components/schema/__init__.py",
            "components/collectors/__init__.py",
            "components/collectors/common/__init__.py",
            "pants-plugins/polo/__init__.py",
        ],
    )
    assert packages == {"schema", "collectors", "polo"}
    problems = hc.first_party_mismatch("ruff.toml", ["polo", "schema", "gone"], packages)
    assert [p.message for p in problems] == [
        "add ['collectors'] to [lint.isort] known-first-party",
        "remove ['gone'] from [lint.isort] known-first-party (no such package under a source root)",
    ]


def _lock(requirements: list[str]) -> str:
    header = json.dumps({"version": 3, "generated_with_requirements": requirements}, indent=2)
    commented = "\n".join(f"// {line}" for line in header.splitlines())
    return (
        "// --- BEGIN PANTS LOCKFILE METADATA: DO NOT EDIT OR REMOVE ---\n"
        f"{commented}\n// --- END PANTS LOCKFILE METADATA ---\n{{}}\n"
    )


def test_lockfile_current_and_stale() -> None:
    reqs = "# pinned\nboto3==1.0.0\nchdb==4.4.0  # engine\n"
    assert (
        hc.lockfile_out_of_date("r.txt", reqs, "d.lock", _lock(["boto3==1.0.0", "chdb==4.4.0"]))
        == []
    )
    stale = hc.lockfile_out_of_date("r.txt", reqs, "d.lock", _lock(["boto3==0.9.0", "chdb==4.4.0"]))
    assert len(stale) == 1
    assert "out of date with r.txt" in stale[0].message
    assert "boto3==0.9.0" in stale[0].message


def test_lockfile_without_header_is_reported() -> None:
    problems = hc.lockfile_out_of_date("r.txt", "a==1\n", "d.lock", "{}")
    assert [p.message for p in problems] == ["has no Pants metadata header: regenerate it"]
