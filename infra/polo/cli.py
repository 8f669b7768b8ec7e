"""Entry point of `pants synth-infra` and `pants deploy-infra` (see docs/infra.md).

    python -m polo.cli synth  --env staging [--out cdk.out] [--dist dist] [--allocation-rules PATH]
    python -m polo.cli deploy --env staging [--dist dist] [--allocation-rules PATH]
                              [--destination] [--parameter K=V ...]

`synth` writes the CloudFormation templates of the three stacks offline (the Polo app under
`<out>/<env>/polo`, the member-account app under `<out>/<env>/destination`) and prints each
template's size, the split rules file the attribution rebuild ships with (or none) and the
synthesis time. `deploy` synthesises, then runs the AWS CDK CLI's
`cdk deploy` on that cloud assembly; without AWS credentials it stops in one line first.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from polo.settings import ENVIRONMENTS, settings_for

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")


class InfraError(RuntimeError):
    pass


def synth(
    env: str, out: Path, dist: Path, allocation_rules: Path | None = None
) -> list[tuple[str, Path, int]]:
    """Synthesise both apps; (stack name, template path, bytes) for each stack. The attribution
    rebuild ships with the split rules file `allocation_rules` (None: it splits nothing)."""
    from polo import app, destination
    from polo.allocation import InvalidAllocationRules
    from polo.artifacts import MissingArtifact

    settings_for(env)  # an unknown env fails before anything is built
    written = []
    try:
        assemblies = [
            app.build(
                env,
                outdir=str(out / env / "polo"),
                dist=dist,
                allocation_rules=allocation_rules,
            ).synth(),
            destination.build(env, outdir=str(out / env / "destination")).synth(),
        ]
    except (MissingArtifact, InvalidAllocationRules) as error:
        raise InfraError(str(error)) from None
    for assembly in assemblies:
        for stack in assembly.stacks:
            path = Path(stack.template_full_path)
            written.append((stack.stack_name, path, path.stat().st_size))
    return written


def aws_account(session_factory: Callable[[], Any] | None = None) -> str:
    """The caller's account, or InfraError in one line when there are no usable credentials."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    session = (session_factory or boto3.Session)()
    try:
        return session.client("sts").get_caller_identity()["Account"]
    except (BotoCoreError, ClientError) as error:
        raise InfraError(
            f"no usable AWS credentials ({type(error).__name__}): configure a profile or export "
            "AWS credentials for the target account, then run again"
        ) from None


def cdk_deploy_argv(
    assembly: Path, stacks: Sequence[str], parameters: Sequence[str], cdk: str
) -> list[str]:
    argv = [cdk, "deploy", "--app", str(assembly), "--require-approval", "broadening"]
    for parameter in parameters:
        argv += ["--parameters", parameter]
    return [*argv, *stacks]


def deploy(
    env: str,
    *,
    out: Path,
    dist: Path,
    destination: bool,
    parameters: Sequence[str],
    allocation_rules: Path | None = None,
    run: Callable[[list[str]], int] = lambda argv: subprocess.call(argv),
    which: Callable[[str], str | None] = shutil.which,
    account: Callable[[], str] = aws_account,
) -> int:
    settings = settings_for(env)
    caller = account()
    cdk = which("cdk")
    if cdk is None:
        raise InfraError(
            "the AWS CDK CLI is not on PATH: install it with `npm install -g aws-cdk@2`"
        )
    written = synth(env, out, dist, allocation_rules)
    print(rules_line(allocation_rules))
    if destination:
        assembly = out / env / "destination"
        stacks = [settings.stack_name("Destination")]
    else:
        assembly = out / env / "polo"
        stacks = [settings.stack_name("ClickHouse"), settings.stack_name("Collectors")]
    print(f"deploy-infra: {', '.join(stacks)} into account {caller} ({len(written)} templates)")
    return run(cdk_deploy_argv(assembly, stacks, parameters, cdk))


def rules_line(allocation_rules: Path | None) -> str:
    """What the attribution rebuild will split with, for the operator."""
    from polo.allocation import LAYER_MOUNT, RULES_VARIABLE

    if allocation_rules is None:
        return "allocation rules: none (the attribution rebuild splits no shared cost)"
    return (
        f"allocation rules: {allocation_rules} ships with the attribution rebuild as "
        f"{RULES_VARIABLE}={LAYER_MOUNT}/{allocation_rules.name}"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m polo.cli", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("synth", "deploy"):
        command = sub.add_parser(name)
        command.add_argument("--env", default="staging", choices=ENVIRONMENTS)
        command.add_argument("--out", type=Path, default=Path("cdk.out"))
        command.add_argument("--dist", type=Path, default=Path("dist"))
        command.add_argument(
            "--allocation-rules",
            type=Path,
            metavar="PATH",
            help="shared-cost split rules file (docs/allocation.md) the attribution rebuild "
            "ships with; default: none, it splits nothing",
        )
        if name == "deploy":
            command.add_argument(
                "--destination",
                action="store_true",
                help="deploy PoloReadRole into the current (member) account instead",
            )
            command.add_argument(
                "--parameter",
                action="append",
                default=[],
                metavar="[STACK:]NAME=VALUE",
                help="a CloudFormation parameter, repeatable (see docs/infra.md)",
            )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    prog = "synth-infra" if args.command == "synth" else "deploy-infra"
    started = time.perf_counter()
    try:
        if args.command == "synth":
            written = synth(args.env, args.out, args.dist, args.allocation_rules)
            for stack, path, size in written:
                print(f"{stack}: {path} ({size / 1024:.1f} KiB)")
            print(rules_line(args.allocation_rules))
            print(f"synth-infra: {len(written)} templates in {time.perf_counter() - started:.1f} s")
            return 0
        return deploy(
            args.env,
            out=args.out,
            dist=args.dist,
            destination=args.destination,
            parameters=args.parameter,
            allocation_rules=args.allocation_rules,
        )
    except InfraError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
