"""migrate-remote's orchestration: moto for Secrets Manager and SSM, a stand-in `aws` command
for the port-forwarding session (it listens where the real plugin would), and a recording
migration runner (the runner itself is tested in components/schema)."""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from polo.migrate_remote import (
    RemoteError,
    check_tools,
    main,
    migrate_remote,
    ssm_tunnel,
    start_session_argv,
)
from polo.settings import settings_for

REGION = "eu-west-1"
INSTANCE = "i-0123456789abcdef0"

FAKE_AWS = textwrap.dedent(
    f"""\
    #!{sys.executable}
    # Stand-in for `aws ssm start-session`: like the real CLI, it runs the plugin and waits for it.
    import json, os, subprocess, sys
    argv = sys.argv[1:]
    with open(os.environ["FAKE_AWS_RECORD"], "a") as out:
        out.write(json.dumps({{"argv": argv, "pid": os.getpid()}}) + "\\n")
    if os.environ.get("FAKE_AWS_FAIL"):
        print("An error occurred (TargetNotConnected): " + argv[argv.index("--target") + 1]
              + " is not connected.", flush=True)
        sys.exit(254)
    sys.exit(subprocess.call(["session-manager-plugin", argv[argv.index("--parameters") + 1]]))
    """
)

FAKE_PLUGIN = textwrap.dedent(
    f"""\
    #!{sys.executable}
    # Stand-in for the Session Manager plugin: listens on the local port. The real one traps
    # SIGTERM to tell SSM the session ended; this one never gets it done, as with no network.
    import json, os, signal, socket, sys
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with open(os.environ["FAKE_AWS_RECORD"], "a") as out:
        out.write(json.dumps({{"argv": sys.argv[1:], "pid": os.getpid()}}) + "\\n")
    port = int(json.loads(sys.argv[1])["localPortNumber"][0])
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen()
    while True:
        connection, _ = server.accept()
        connection.close()
    """
)


@pytest.fixture
def fake_aws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("aws", FAKE_AWS), ("session-manager-plugin", FAKE_PLUGIN)):
        path = bin_dir / name
        path.write_text(text)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    record = tmp_path / "record.json"
    monkeypatch.setenv("FAKE_AWS_RECORD", str(record))
    return record


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0): check /proc for its state.
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "\nState:\tZ" not in status.read_text()


def _recorded(record: Path) -> list[dict[str, Any]]:
    """One entry per fake process, in start order: the CLI, then the plugin it started."""
    return [json.loads(line) for line in record.read_text().splitlines()]


def _assert_all_ended(record: Path) -> None:
    pids = [entry["pid"] for entry in _recorded(record)]
    assert len(pids) == 2  # the CLI and its plugin: the plugin is the one that can outlive it
    # A SIGKILLed orphan is not ours to wait for: it may take a few ms to die after the return.
    deadline = time.monotonic() + 2
    while (alive := [pid for pid in pids if _alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert alive == []


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        settings = settings_for("staging")
        session.client("secretsmanager").create_secret(
            Name=settings.secret_name("polo_writer"),
            SecretString=json.dumps({"username": "polo_writer", "password": "s3cret"}),
        )
        session.client("ssm").put_parameter(
            Name=settings.instance_parameter_name, Value=INSTANCE, Type="String"
        )
        yield session


def test_the_runner_gets_the_writer_url_through_the_tunnel_which_is_closed_after(fake_aws, aws):
    seen: list[list[str]] = []

    def migrate(argv):
        seen.append(list(argv))
        # the tunnel is up while the runner runs
        assert all(_alive(entry["pid"]) for entry in _recorded(fake_aws))
        return 0

    code = migrate_remote(
        remote="auto", env="staging", migrate_args=["--status"], session=aws, migrate=migrate
    )
    assert code == 0
    (argv,) = seen
    assert argv[0] == "--status" and argv[1] == "--url"
    record = _recorded(fake_aws)[0]
    port = json.loads(record["argv"][record["argv"].index("--parameters") + 1])
    assert port["portNumber"] == ["8123"]
    assert argv[2] == f"http://polo_writer:s3cret@127.0.0.1:{port['localPortNumber'][0]}/polo"
    assert record["argv"][:5] == ["ssm", "start-session", "--target", INSTANCE, "--document-name"]
    assert record["argv"][-2:] == ["--region", REGION]
    _assert_all_ended(fake_aws)


@pytest.mark.parametrize("failure", [RuntimeError("migration 007 failed"), KeyboardInterrupt()])
def test_the_tunnel_is_closed_when_the_runner_fails_or_is_interrupted(fake_aws, aws, failure):
    def migrate(argv):
        raise failure

    with pytest.raises(type(failure)):
        migrate_remote(
            remote=INSTANCE, env="staging", migrate_args=[], session=aws, migrate=migrate
        )
    _assert_all_ended(fake_aws)


def test_the_runner_exit_code_is_returned(fake_aws, aws):
    code = migrate_remote(
        remote=INSTANCE, env="staging", migrate_args=[], session=aws, migrate=lambda argv: 4
    )
    assert code == 4
    _assert_all_ended(fake_aws)


def test_a_session_that_cannot_start_is_one_line_with_its_cause(
    fake_aws, aws, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("FAKE_AWS_FAIL", "1")
    with pytest.raises(RemoteError) as error:
        migrate_remote(
            remote=INSTANCE, env="staging", migrate_args=[], session=aws, migrate=lambda a: 0
        )
    message = str(error.value)
    assert "ended before the tunnel opened (exit 254)" in message
    assert "TargetNotConnected" in message and "\n" not in message


def test_a_failed_session_leaves_no_file_behind(
    fake_aws, aws, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    monkeypatch.setenv("FAKE_AWS_FAIL", "1")
    with pytest.raises(RemoteError):
        migrate_remote(
            remote=INSTANCE, env="staging", migrate_args=[], session=aws, migrate=lambda a: 0
        )
    assert list(scratch.iterdir()) == []


def test_missing_plugin_names_what_to_install():
    with pytest.raises(RemoteError) as error:
        check_tools(which=lambda tool: None if tool == "session-manager-plugin" else "/bin/x")
    assert str(error.value).startswith("session-manager-plugin not found on PATH: install")


def test_main_prints_one_line_when_the_plugin_is_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
):
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on it
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    assert main(["--remote", INSTANCE, "--status"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("migrate-remote: error: aws and session-manager-plugin not found")


def test_unknown_secret_or_parameter_is_explained(fake_aws, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        with pytest.raises(RemoteError, match="instance-id not found: is the staging"):
            migrate_remote(remote="auto", env="staging", migrate_args=[], session=session)
        with pytest.raises(RemoteError, match="polo_writer not found in eu-west-1"):
            migrate_remote(remote=INSTANCE, env="staging", migrate_args=[], session=session)
    with pytest.raises(RemoteError, match="not an instance id"):
        migrate_remote(remote="db1", env="staging", migrate_args=[], session=session)


def test_the_tunnel_context_alone_closes_its_process(fake_aws):
    with ssm_tunnel(INSTANCE, REGION) as port:
        assert port > 0
        assert all(_alive(entry["pid"]) for entry in _recorded(fake_aws))
    _assert_all_ended(fake_aws)


def test_start_session_argv_uses_the_port_forwarding_document():
    argv = start_session_argv(INSTANCE, 40000, REGION)
    assert argv[argv.index("--document-name") + 1] == "AWS-StartPortForwardingSession"
