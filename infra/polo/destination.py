"""The member-account CDK app: `PoloReadRole` (one stack, deployed into every member account and
the payer account). `cdk synth --app "python -m polo.destination"`; CDK_DEPLOY_ENV picks the
environment.
"""

from __future__ import annotations

import os

import aws_cdk as cdk

from polo.nag import enable_checks
from polo.settings import Settings, settings_for
from polo.stacks.destination_stack import DestinationStack


def add_destination_stack(app: cdk.App, settings: Settings) -> DestinationStack:
    stack = DestinationStack(
        app,
        settings.stack_name("Destination"),
        settings=settings,
        description=f"Polo {settings.env}: PoloReadRole, read-only access for the collectors",
        # Deployed as a StackSet or per account: no fixed account in the template.
        synthesizer=cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
    )
    for key, value in {"polo:app": "polo", **settings.tags}.items():
        cdk.Tags.of(stack).add(key, value)
    return stack


def build(env_name: str, *, outdir: str | None = None) -> cdk.App:
    app = cdk.App(outdir=outdir)
    enable_checks(app)
    add_destination_stack(app, settings_for(env_name))
    return app


def main() -> None:
    build(os.environ.get("CDK_DEPLOY_ENV", "staging")).synth()


if __name__ == "__main__":
    main()
