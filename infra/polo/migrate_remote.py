"""`pants migrate components/schema --remote=<instance-id>`: migrate the deployed ClickHouse.

1. finds the instance (`--remote=auto` reads the id the ClickHouse stack put in SSM);
2. reads the writer's credentials from Secrets Manager (`polo-<env>/clickhouse/polo_writer`);
3. opens an SSM port-forwarding session (`aws ssm start-session` with the
   `AWS-StartPortForwardingSession` document, which needs the AWS CLI's Session Manager plugin)
   from a free local port to ClickHouse's HTTP port on the instance: no inbound port is open on
   it, and the session itself is encrypted by SSM;
4. runs the same migration runner (`schema.migrate`) against `http://127.0.0.1:<port>/polo`;
5. closes the tunnel on every exit path (success, failure, Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from clickhouse.remote import read_credentials, url_with_credentials
from polo.settings import ENVIRONMENTS, settings_for

REMOTE_HTTP_PORT = 8123
DATABASE = "polo"
WRITER_USER = "polo_writer"
PLUGIN_HELP = (
    "install the AWS CLI v2 and its Session Manager plugin "
    "(https://docs.aws.amazon.com/systems-manager/latest/userguide/"
    "session-manager-working-with-install-plugin.html)"
)


class RemoteError(RuntimeError):
    """A problem reported to the user as one line."""


def check_tools(which: Callable[[str], str | None] = shutil.which) -> None:
    missing = [tool for tool in ("aws", "session-manager-plugin") if which(tool) is None]
    if missing:
        raise RemoteError(f"{' and '.join(missing)} not found on PATH: {PLUGIN_HELP}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def start_session_argv(instance_id: str, local_port: int, region: str) -> list[str]:
    return [
        "aws",
        "ssm",
        "start-session",
        "--target",
        instance_id,
        "--document-name",
        "AWS-StartPortForwardingSession",
        "--parameters",
        json.dumps({"portNumber": [str(REMOTE_HTTP_PORT)], "localPortNumber": [str(local_port)]}),
        "--region",
        region,
    ]


def _signal_group(group: int, signum: int) -> None:
    with suppress(ProcessLookupError):  # nothing of the group is left
        os.killpg(group, signum)


def _close(process: subprocess.Popen) -> None:
    """Ends the session's process group (start_new_session): the CLI and the plugin it started.

    The CLI's exit is not the session's: the plugin traps SIGTERM to tell SSM the session ended
    and, if that hangs or the CLI had already exited, it is orphaned still listening on the
    local port. So what is left of the group after the CLI (or the grace period) is killed.
    """
    _signal_group(process.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)
    _signal_group(process.pid, signal.SIGKILL)
    process.wait()


@contextmanager
def ssm_tunnel(
    instance_id: str,
    region: str,
    *,
    local_port: int | None = None,
    timeout: float = 30.0,
    env: dict[str, str] | None = None,
) -> Iterator[int]:
    """A port-forwarding session to the instance's ClickHouse HTTP port; yields the local port."""
    port = local_port or free_port()
    # Anonymous: gone when closed, however the session ends (a named log outlived a failure).
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            start_session_argv(instance_id, port, region),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
        )
        try:
            deadline = time.monotonic() + timeout
            while not _listening(port):
                if process.poll() is not None:
                    output.seek(0)
                    said = " ".join(output.read().decode(errors="replace").split())[-300:]
                    raise RemoteError(
                        f"the SSM session to {instance_id} ended before the tunnel opened "
                        f"(exit {process.returncode}): {said or 'no output'}"
                    )
                if time.monotonic() > deadline:
                    raise RemoteError(
                        f"the SSM tunnel to {instance_id} did not open within {timeout:.0f} s"
                    )
                time.sleep(0.2)
            yield port
        finally:
            _close(process)


def resolve_instance(remote: str, env: str, ssm: Any) -> str:
    if remote != "auto":
        if not remote.startswith("i-"):
            raise RemoteError(f"--remote={remote!r} is not an instance id (i-...) or 'auto'")
        return remote
    name = settings_for(env).instance_parameter_name
    try:
        return ssm.get_parameter(Name=name)["Parameter"]["Value"]
    except ssm.exceptions.ParameterNotFound:
        raise RemoteError(
            f"SSM parameter {name} not found: is the {env} ClickHouse stack deployed in this "
            "account and region? Pass --remote=<instance-id> instead."
        ) from None


def migrate_remote(
    *,
    remote: str,
    env: str,
    migrate_args: Sequence[str],
    session: Any,
    tunnel: Callable[..., Any] = ssm_tunnel,
    migrate: Callable[[Sequence[str]], int] | None = None,
    tools: Callable[[], None] = check_tools,
) -> int:
    if migrate is None:
        from schema.migrate import main as migrate
    tools()
    region = session.region_name
    if not region:
        raise RemoteError("no AWS region: set AWS_REGION or pass --region")
    instance_id = resolve_instance(remote, env, session.client("ssm"))
    secret_name = settings_for(env).secret_name(WRITER_USER)
    secrets = session.client("secretsmanager")
    try:
        username, password = read_credentials(secret_name, secrets)
    except secrets.exceptions.ResourceNotFoundException:
        raise RemoteError(f"secret {secret_name} not found in {region}") from None
    with tunnel(instance_id, region) as port:
        print(f"migrate-remote: tunnel to {instance_id} open on 127.0.0.1:{port}", flush=True)
        url = url_with_credentials(f"http://127.0.0.1:{port}/{DATABASE}", username, password)
        return migrate([*migrate_args, "--url", url])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="migrate-remote", description=__doc__)
    parser.add_argument("--remote", required=True, help="instance id (i-...) or 'auto'")
    parser.add_argument("--env", default="staging", choices=ENVIRONMENTS)
    parser.add_argument("--region", help="AWS region (default: the AWS CLI's)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Options of its own, the rest (`--migrations-dir`, `--status`, ...) go to schema.migrate."""
    args, migrate_args = _parser().parse_known_args(argv)
    try:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        session = boto3.Session(region_name=args.region)
        try:
            return migrate_remote(
                remote=args.remote, env=args.env, migrate_args=migrate_args, session=session
            )
        except NoCredentialsError:
            raise RemoteError("no AWS credentials: configure a profile or export them") from None
        except (BotoCoreError, ClientError) as error:
            raise RemoteError(str(error)) from None
    except RemoteError as error:
        print(f"migrate-remote: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("migrate-remote: interrupted; tunnel closed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
