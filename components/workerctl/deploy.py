"""`pants deploy-worker`: deploy the API Worker with wrangler, or build it offline (--dry-run).

The checks and the wrangler call live in components/api/scripts/deploy.mjs; this entry point makes
sure the npm dependencies exist and turns every failure into one line and an exit code.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from workerctl.npm_project import API_DIR, NodeToolingMissing, ensure_installed, require_tool

ENVIRONMENTS = ("staging", "production")


def build_command(node: str, env: str, dry_run: bool) -> list[str]:
    return [node, "scripts/deploy.mjs", "--env", env, *(["--dry-run"] if dry_run else [])]


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
    try:
        node = require_tool("node")
        ensure_installed(api_dir)
    except NodeToolingMissing as error:
        print(f"deploy-worker: {error}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"deploy-worker: npm install failed (exit {error.returncode})", file=sys.stderr)
        return 2
    return subprocess.run(build_command(node, args.env, args.dry_run), cwd=api_dir).returncode


if __name__ == "__main__":
    sys.exit(main())
