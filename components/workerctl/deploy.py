"""`pants deploy-worker`: deploy the API Worker with wrangler, or build it offline (--dry-run).

The checks and the wrangler call live in components/api/scripts/deploy.mjs; this entry point makes
sure the npm dependencies exist, builds the web UI (components/ui, served by the Worker as static
assets), and turns every failure into one line and an exit code.

Before anything is built, the environment's `[env.<env>.vars]` in wrangler.toml must not enable
the local-development auth bypass (docs/security.md): a `POLO_AUTH_DEV_BYPASS` other than `"0"`
or empty, or `POLO_ENV = "development"` (in any case), refuses the deploy and the dry run alike
(exit 2). The Worker refuses to serve such a configuration too; this stops it from shipping.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workerctl.npm_project import API_DIR, NodeToolingMissing, ensure_installed, require_tool

ENVIRONMENTS = ("staging", "production")


BYPASS_VAR = "POLO_AUTH_DEV_BYPASS"
DEV_ENVIRONMENT = "development"


def bypass_problems(wrangler_toml: Path, env: str) -> list[str]:
    """Why `env`'s vars would enable the dev bypass (empty when they do not)."""
    try:
        config: dict[str, Any] = tomllib.loads(wrangler_toml.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        return [f"cannot read {wrangler_toml.name}: {error}"]
    env_config = config.get("env", {}).get(env)
    if not isinstance(env_config, dict):
        return [f"{wrangler_toml.name} has no [env.{env}] section"]
    variables = env_config.get("vars", {})
    problems = []
    bypass = str(variables.get(BYPASS_VAR, "")).strip()
    if bypass not in ("", "0"):
        problems.append(f"[env.{env}.vars] sets {BYPASS_VAR} = {bypass!r}")
    environment = str(variables.get("POLO_ENV", "")).strip().lower()
    if environment == DEV_ENVIRONMENT:
        problems.append(f"[env.{env}.vars] sets POLO_ENV = {variables['POLO_ENV']!r}")
    return problems


def build_command(node: str, env: str, dry_run: bool) -> list[str]:
    return [node, "scripts/deploy.mjs", "--env", env, *(["--dry-run"] if dry_run else [])]


def build_ui(ui_dir: Path) -> None:
    """`npm run build` in the UI's project (installing its locked dependencies when needed)."""
    npm = require_tool("npm")
    ensure_installed(ui_dir)
    print(f"building the web UI in {ui_dir} ...", flush=True)
    subprocess.run(
        [npm, "run", "--silent", "build", "--", "--logLevel", "warn"], cwd=ui_dir, check=True
    )


def main(argv: Sequence[str] | None = None, api_dir: Path = API_DIR) -> int:
    parser = argparse.ArgumentParser(prog="deploy-worker", description=__doc__)
    parser.add_argument("--env", choices=ENVIRONMENTS, default="staging")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    if not (api_dir / "package.json").exists():
        print(
            f"deploy-worker: {api_dir}/package.json not found: run from the repo root",
            file=sys.stderr,
        )
        return 2
    problems = bypass_problems(api_dir / "wrangler.toml", args.env)
    if problems:
        print(
            f"deploy-worker: refusing to deploy env '{args.env}': {'; '.join(problems)}. "
            "The auth bypass is for local `wrangler dev` only (docs/security.md).",
            file=sys.stderr,
        )
        return 2
    try:
        node = require_tool("node")
        ensure_installed(api_dir)
    except NodeToolingMissing as error:
        print(f"deploy-worker: {error}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"deploy-worker: npm install failed (exit {error.returncode})", file=sys.stderr)
        return 2
    ui_dir = api_dir.parent / "ui"
    if (ui_dir / "package.json").exists():
        try:
            build_ui(ui_dir)
        except (NodeToolingMissing, subprocess.CalledProcessError) as error:
            print(f"deploy-worker: building the web UI failed: {error}", file=sys.stderr)
            return 2
    return subprocess.run(build_command(node, args.env, args.dry_run), cwd=api_dir).returncode


if __name__ == "__main__":
    sys.exit(main())
