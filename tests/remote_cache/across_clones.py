#!/usr/bin/env python3
"""Are Polo's test cache keys independent of the checkout? (issue 18, acceptance 3; docs/ci.md)

Clones this repository's HEAD twice, at two different paths, starts BuildGrid as the remote-cache
e2e harness does (its helpers are imported from remote_cache_e2e_test.py; only the server's gRPC
thread pool and its in-memory CAS are larger, see start_buildgrid), then runs the same Pants
command in each clone through the CI pieces (`pants.ci.toml`, `.ci/remote-cache.sh`,
`--no-pantsd`): clone A writes the remote cache, clone B only reads it. Each clone has its own
empty local store, named caches, sandboxes and `.pants.d`, so nothing in B can come from a local
cache. It prints, for B, how many test results came from the remote cache, and Pants' counters.

    python3 tests/remote_cache/across_clones.py                # test --tag=unit ::, in /tmp/rc
    python3 tests/remote_cache/across_clones.py --workdir /tmp/x -- test components/jobs::

Run it with a Python 3.11 that has pytest (the harness module imports it). It deletes nothing
outside --workdir and stops the BuildGrid server it started.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

# `tests/` is the source root (pants.toml): import the harness as Pants would.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from remote_cache import remote_cache_e2e_test as harness

DEFAULT_PANTS_ARGS = ["test", "--tag=unit", "::"]
BGD_THREADS = 256
BGD_CAS_SIZE = "4GB"
# `✓ components/jobs:unit succeeded in 1.20s (cached remotely).`, `✕ x:unit failed in 3.1s.`,
# and one line per batch: `✓ infra/polo/a_test.py:unit and 6 other files succeeded in 130.50s.`
RESULT_LINE = re.compile(
    r"^[✓✕] (?P<target>\S+(?: and \d+ other files?)?) (?P<outcome>succeeded|failed)"
    r"(?: in [\d.]+s)?"
    r"(?: \((?P<source>[^)]+)\))?\.$",
    re.MULTILINE,
)


@dataclass(frozen=True)
class CloneRun:
    clone: str
    exit_code: int
    seconds: float
    load_before: float
    load_after: float
    results: dict[str, str]  # target -> "ran", "cached remotely", ... ("failed: ..." if failed)
    counters: dict[str, int]


def say(message: str) -> None:
    print(f"[across-clones] {message}", flush=True)


def start_buildgrid(workdir: Path) -> tuple[subprocess.Popen[bytes], harness.CacheServer]:
    bgd = harness.install_buildgrid(say)
    server_dir = workdir / "buildgrid"
    server_dir.mkdir(parents=True)
    secret = secrets.token_urlsafe(48)
    secret_file = server_dir / "jwt.secret"
    secret_file.write_text(secret)
    port = harness.free_loopback_port()
    log = server_dir / "bgd.log"
    config = harness.write_bgd_config(server_dir, port, secret_file)
    # bgd allows 5 x CPU concurrent RPCs (10 on a 2-core machine) and refuses the rest with
    # ResourceExhausted; Pants sends up to 128 at once, so a whole-repository run would lose
    # cache writes and reads to the server, not to its cache keys.
    # The harness's 1 GB in-memory CAS holds its fixture easily, but Polo's unit suite uploads
    # about as much (node_modules of the API and the UI alone: ~0.6 GB): the LRU would evict the
    # first outputs written, and their actions would miss in B.
    text = config.read_text().replace("size: 1GB", f"size: {BGD_CAS_SIZE}")
    config.write_text(f"{text}thread-pool-size: {BGD_THREADS}\n")
    with open(log, "wb") as log_file:
        server = subprocess.Popen(
            [str(bgd), "server", "start", str(config)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    harness.wait_until_listening(port, server, log)
    say(f"BuildGrid up on 127.0.0.1:{port} (pid {server.pid}, log {log})")
    address = f"grpc://127.0.0.1:{port}"
    return server, harness.CacheServer(address, harness.hs256_jwt(secret, "polo-ci"), bgd)


def stop(server: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def run_clone(
    name: str,
    clone: Path,
    caches: Path,
    server: harness.CacheServer,
    pants_args: list[str],
    *,
    write: bool,
    log: Path,
) -> CloneRun:
    env = harness.pants_env(clone, server, write=write)
    # ./pants derives POLO_REPO_ROOT from its own location unless one is inherited.
    env.pop("POLO_REPO_ROOT", None)
    (caches / "sandboxes").mkdir(parents=True)
    script = 'source .ci/remote-cache.sh && exec ./pants "$@"'
    command = [
        *("bash", "-c", script, "pants-with-remote-cache"),
        "--no-pantsd",
        f"--local-store-dir={caches / 'lmdb_store'}",
        f"--named-caches-dir={caches / 'named_caches'}",
        f"--local-execution-root-dir={caches / 'sandboxes'}",
        *pants_args,
    ]
    say(f"{name}: {clone}: {' '.join(pants_args)} (write={write}), log {log} ...")
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    with open(log, "w") as out:
        out.write(f"$ (cd {clone} && {' '.join(command)})\n")
        out.flush()
        completed = subprocess.run(
            command, cwd=clone, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    seconds = time.monotonic() - started
    output = log.read_text()
    results = {
        m["target"]: (m["source"] or "ran")
        if m["outcome"] == "succeeded"
        else f"failed ({m['source'] or 'ran'})"
        for m in RESULT_LINE.finditer(output)
    }
    counters = harness.parse_counters(output) if "Counters:" in output else {}
    run = CloneRun(
        name, completed.returncode, seconds, load_before, os.getloadavg()[0], results, counters
    )
    say(f"{name}: exit {run.exit_code} in {seconds:.0f}s, {dict(Counter(results.values()))}")
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/rc"))
    parser.add_argument("pants_args", nargs="*", default=DEFAULT_PANTS_ARGS)
    args = parser.parse_args()
    workdir: Path = args.workdir.resolve()
    if workdir.exists():
        parser.error(f"{workdir} exists: choose another --workdir or remove it")
    pants_args: list[str] = args.pants_args or DEFAULT_PANTS_ARGS

    source = harness.repo_root()
    commit = subprocess.run(
        ["git", "-C", str(source), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    clones = {"A": workdir / "a", "B": workdir / "elsewhere" / "deeper" / "b"}
    for clone in clones.values():
        clone.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "clone", "-q", str(source), str(clone)], check=True)
    say(f"commit {commit}, clones {clones['A']} and {clones['B']}")

    server, cache = start_buildgrid(workdir)
    try:
        runs = [
            run_clone(
                name,
                clone,
                workdir / f"caches-{name.lower()}",
                cache,
                pants_args,
                write=name == "A",
                log=workdir / f"{name.lower()}.log",
            )
            for name, clone in clones.items()
        ]
    finally:
        stop(server)

    b = runs[1]
    remote = sum(1 for source in b.results.values() if source == "cached remotely")
    share = 100.0 * remote / len(b.results) if b.results else 0.0
    summary = {"commit": commit, "pants_args": pants_args, "runs": [asdict(run) for run in runs]}
    (workdir / "summary.json").write_text(json.dumps(summary, indent=2))
    not_remote = {t: s for t, s in sorted(b.results.items()) if s != "cached remotely"}
    keys = ("remote_cache_requests", "remote_cache_requests_cached")
    keys += ("remote_cache_requests_uncached", "local_cache_requests_cached")
    say(
        f"commit {commit}\n"
        + "".join(
            f"  {r.clone}: exit {r.exit_code}, {r.seconds:.0f}s wall, load {r.load_before:.1f}"
            f"->{r.load_after:.1f}, {len(r.results)} test results "
            f"{dict(Counter(r.results.values()))}, "
            + ", ".join(f"{k}={r.counters.get(k)}" for k in keys)
            + "\n"
            for r in runs
        )
        + f"  B: {remote}/{len(b.results)} test results from the remote cache ({share:.1f} %)\n"
        + "".join(f"    not from the remote cache: {t} ({s})\n" for t, s in not_remote.items())
        + f"  details: {workdir / 'summary.json'}"
    )
    return 0 if all(r.exit_code == 0 for r in runs) and share >= 95.0 else 1


if __name__ == "__main__":
    sys.exit(main())
