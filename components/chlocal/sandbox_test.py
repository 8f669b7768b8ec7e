"""The SQL sandbox, statement by statement: what may reach files and addresses outside chDB."""

from __future__ import annotations

from pathlib import Path

import pytest

from chlocal import sandbox
from chlocal.errors import ClickHouseException


@pytest.fixture
def policy(tmp_path: Path) -> sandbox.SandboxPolicy:
    files = tmp_path / "user_files"
    files.mkdir()
    return sandbox.SandboxPolicy(user_files=files)


def refused(sql: str, policy: sandbox.SandboxPolicy) -> str:
    with pytest.raises(ClickHouseException) as caught:
        sandbox.check(sql.encode(), policy)
    assert caught.value.name == "ACCESS_DENIED"
    assert caught.value.http_status == 403
    return caught.value.message


@pytest.mark.parametrize(
    "sql",
    [
        # the attack run: read a canary outside the data directory, and write a file
        "SELECT * FROM file('/home/dev/.aws/credentials', 'RawBLOB')",
        "INSERT INTO FUNCTION file('/tmp/written-by-a-web-page', 'RawBLOB') SELECT 'x'",
        "SELECT file('/etc/passwd')",
        "SELECT * FROM FILE('/etc/passwd', 'RawBLOB')",
        "SELECT * FROM `file`('/etc/passwd', 'RawBLOB')",
        "SELECT * FROM file /* c */ ('/etc/passwd')",
        "SELECT * FROM file('../../etc/passwd', 'RawBLOB')",
        "SELECT * FROM file('~/.aws/credentials')",
        "SELECT * FROM file('{a,../../etc}/passwd')",
        "SELECT * FROM file('/etc/pass' || 'wd')",
        "SELECT * FROM file(concat('/etc/', 'passwd'))",
        "SELECT * FROM file({p:String})",
        "SELECT * FROM file($$/etc/passwd$$)",
        "SELECT * FROM file('\\x2fetc\\x2fpasswd')",
        "CREATE TABLE t (a String) ENGINE = File(TSV, '/etc/passwd')",
        "CREATE TABLE t (a String) ENGINE = File(TSV, 1)",
        "CREATE DICTIONARY d (a String) PRIMARY KEY a "
        "SOURCE(FILE(path '/etc/passwd' format 'TSV')) LAYOUT(FLAT()) LIFETIME(0)",
        "SELECT $$'$$, file('/etc/passwd')",
        "BACKUP TABLE t TO File('/tmp/backup')",
    ],
)
def test_file_outside_the_user_files_directory_is_refused(
    sql: str, policy: sandbox.SandboxPolicy
) -> None:
    refused(sql, policy)


def test_a_symlink_out_of_the_user_files_directory_is_refused(
    policy: sandbox.SandboxPolicy, tmp_path: Path
) -> None:
    (policy.user_files / "out").symlink_to(tmp_path.parent)
    assert "outside" in refused("SELECT * FROM file('out/x.csv')", policy)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM file('costs.csv', 'CSVWithNames')",
        "SELECT * FROM file('exports/*.parquet', Parquet)",
        "SELECT * FROM file('{}/costs.csv', 'CSV', 'a String, b UInt32')",
        "INSERT INTO FUNCTION file('out.tsv', 'TSV') SELECT 1",
        "CREATE TABLE t (a String) ENGINE = File(TSV)",
        "SELECT profile_file, url_path FROM t WHERE name = 'file(/etc/passwd)'",
        "SELECT 1 -- file('/etc/passwd')",
        "SELECT $$file('/etc/passwd')$$",
        "SELECT {p:String} AS v",
    ],
)
def test_what_stays_inside_is_allowed(sql: str, policy: sandbox.SandboxPolicy) -> None:
    sandbox.check(sql.replace("{}", str(policy.user_files)).encode(), policy)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM url('http://127.0.0.1:8123/?query=DROP+TABLE+x', 'RawBLOB')",
        "SELECT * FROM url('http://localhost:9000/', 'RawBLOB')",
        "SELECT * FROM url('http://[::1]:8787/api/health', 'RawBLOB')",
        "SELECT * FROM url('http://2130706433/', 'RawBLOB')",
        "SELECT * FROM url('http://127.1/', 'RawBLOB')",
        "SELECT * FROM url('http://0.0.0.0:8123/', 'RawBLOB')",
        "SELECT * FROM url('http://[::ffff:127.0.0.1]/', 'RawBLOB')",
        "SELECT * FROM url('http://169.254.169.254/latest/meta-data/', 'RawBLOB')",
        "SELECT * FROM url('http://app.localhost/', 'RawBLOB')",
        "SELECT * FROM s3('http://127.0.0.1:9000/bucket/x.csv')",
        "SELECT * FROM URL('http://127.0.0.1/')",
        "SELECT * FROM url(concat('http://127.0.0.1', '/'))",
        "SELECT * FROM s3(my_named_collection)",
        "CREATE TABLE t (a String) ENGINE = URL('http://127.0.0.1:8123/', RawBLOB)",
    ],
)
def test_url_sources_toward_loopback_are_refused(sql: str, policy: sandbox.SandboxPolicy) -> None:
    refused(sql, policy)


def test_url_toward_loopback_can_be_enabled(policy: sandbox.SandboxPolicy) -> None:
    enabled = sandbox.SandboxPolicy(user_files=policy.user_files, allow_loopback_urls=True)
    sandbox.check(b"SELECT * FROM url('http://127.0.0.1:9000/x', 'RawBLOB')", enabled)


def test_url_toward_a_public_address_is_allowed(policy: sandbox.SandboxPolicy) -> None:
    sandbox.check(b"SELECT * FROM url('https://93.184.215.14/data.csv', 'CSV')", policy)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM remote('127.0.0.1:9000', system.one)",
        "SELECT * FROM mysql('127.0.0.1:3306', 'db', 't', 'u', 'p')",
        "SELECT * FROM executable('cat ~/.aws/credentials', TSV, 'a String')",
        "SELECT * FROM Python(os)",
        "CREATE DATABASE fs ENGINE = Filesystem('/')",
        "CREATE DATABASE fs ENGINE = Filesystem",
        "CREATE DICTIONARY d (a String) PRIMARY KEY a "
        "SOURCE(EXECUTABLE(COMMAND 'cat /etc/passwd' FORMAT TSV)) LAYOUT(FLAT()) LIFETIME(0)",
        "CREATE TABLE t (a UInt8) ENGINE = MergeTree ORDER BY a "
        "SETTINGS disk = disk(type = local, path = '/home/dev/')",
        "SELECT * FROM sqlite('/home/dev/.mozilla/cookies.sqlite', 'moz_cookies')",
        "SELECT 1 INTO OUTFILE '/tmp/x'",
        "INSERT INTO t FROM INFILE '/etc/passwd' FORMAT TSV",
        "ATTACH TABLE t FROM '/var/lib/other/' (a String) ENGINE = MergeTree ORDER BY a",
    ],
)
def test_sources_polo_never_uses_locally_are_refused(
    sql: str, policy: sandbox.SandboxPolicy
) -> None:
    refused(sql, policy)


def test_a_whole_string_parameter_is_checked_by_its_bound_value(
    policy: sandbox.SandboxPolicy,
) -> None:
    # How the FOCUS loader binds its S3 location and credentials.
    sql = b"SELECT * FROM s3({u:String}, {k:String}, {s:String}, 'Parquet')"
    creds = {"k": "AKIA", "s": "secret"}
    sandbox.check(sql, policy, {"u": "https://93.184.215.14/bucket/x.parquet", **creds})
    with pytest.raises(ClickHouseException, match="loopback"):
        sandbox.check(sql, policy, {"u": "http://127.0.0.1:5000/bucket/x.parquet", **creds})
    with pytest.raises(ClickHouseException, match="plain text"):
        sandbox.check(sql, policy, creds)  # unbound
    file_sql = b"SELECT * FROM file({p:String}, 'RawBLOB')"
    sandbox.check(file_sql, policy, {"p": "inside.txt"})
    with pytest.raises(ClickHouseException, match="outside"):
        sandbox.check(file_sql, policy, {"p": "/etc/passwd"})
    with pytest.raises(ClickHouseException, match="plain text"):
        sandbox.check(file_sql, policy, {"p": "\\x2fetc\\x2fpasswd"})
    with pytest.raises(ClickHouseException, match="literal"):
        sandbox.check(b"SELECT * FROM file({p:UInt8})", policy, {"p": "1"})
