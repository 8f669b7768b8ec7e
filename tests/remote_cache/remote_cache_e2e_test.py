"""Proof that Polo's CI remote cache works, against a real REAPI server (docs/ci.md, issue 5).

The harness starts BuildGrid (`bgd`: CAS + ActionCache in memory, JWT auth) on a loopback port,
then runs `pants test ::` on the small repository in `fixture/` through the same pieces CI uses:
Polo's `./pants` bootstrap, `pants.ci.toml`, and `.ci/remote-cache.sh` with
`pants.remote-cache.toml`. Run 1 writes to the cache; every local Pants cache of the fixture is
then wiped; run 2 reads. Pants' own stats and test summary must show that run 2's test processes
came from the remote cache, and none from a local one.

Nothing here touches the caches of the Polo checkout: the fixture is copied to a temp dir and
gets its own store, named caches, workdir and sandboxes. The repository root (for `./pants` and
the CI files) comes from POLO_REPO_ROOT (`./pants` exports it and this target passes it through,
because a test sandbox is not the checkout), or else from the directories above this file.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixture"
BUILDGRID_REQUIREMENTS = HERE / "buildgrid-requirements.txt"
INSTANCE = "polo-ci"
SERVER_START_TIMEOUT_S = 90
PANTS_RUN_TIMEOUT_S = 420

# `✓ src/costs/split_test.py:tests succeeded in 0.40s (cached remotely).`
RESULT_LINE = re.compile(
    r"^✓ (?P<target>\S+) succeeded in [\d.]+s(?: \((?P<source>[^)]+)\))?\.$", re.MULTILINE
)
COUNTER_LINE = re.compile(r"^\s+(?P<name>[a-z_]+): (?P<value>\d+)$")
# `03:48:39.05 [INFO] Starting: Building pytest.pex ...`: Pants logs each process-backed step.
PROCESS_LOG_LINE = re.compile(
    r"^(?P<h>\d\d):(?P<m>\d\d):(?P<s>\d\d\.\d+) \[INFO\] (?:Starting|Completed|Canceled): ",
    re.MULTILINE,
)


@dataclass(frozen=True)
class PantsRun:
    seconds: float
    # From the first to the last process step Pants logged: the part of the run a cache can
    # shorten. The rest is Pants' start-up and its (uncacheable) interpreter discovery.
    work_seconds: float
    output: str
    counters: dict[str, int]
    # target address -> where its result came from ("ran" when Pants ran the tests itself)
    results: dict[str, str]


@dataclass(frozen=True)
class CacheServer:
    address: str
    token: str
    bgd: Path


def user_home() -> Path:
    # A Pants test sandbox may pass no HOME; the account database still knows it.
    return Path(os.environ.get("HOME") or pwd.getpwuid(os.getuid()).pw_dir)


def repo_root() -> Path:
    def is_root(path: Path) -> bool:
        return (path / "pants").is_file() and (path / ".ci" / "remote-cache.sh").is_file()

    configured = os.environ.get("POLO_REPO_ROOT")
    if configured:
        if not is_root(Path(configured)):
            pytest.fail(f"POLO_REPO_ROOT={configured} has no ./pants and .ci/remote-cache.sh")
        return Path(configured)
    for candidate in HERE.parents:
        if is_root(candidate):
            return candidate
    pytest.fail(
        "cannot find the Polo checkout (./pants, .ci/remote-cache.sh) above "
        f"{HERE}: set POLO_REPO_ROOT (./pants exports it; this target passes it through)"
    )


def base_python() -> str:
    # Under Pants this process runs from a PEX; a venv for BuildGrid wants the real interpreter.
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    candidate = Path(sys.base_prefix) / "bin" / version
    return str(candidate) if candidate.is_file() else sys.executable


Say = Callable[[str], None]


@pytest.fixture
def say(capsys: pytest.CaptureFixture[str]) -> Say:
    """Progress and figures go straight to the output, also when the test passes."""

    def _say(message: str) -> None:
        with capsys.disabled():
            print(f"[remote-cache e2e] {message}", flush=True)

    return _say


def install_buildgrid(say: Say) -> Path:
    """Install the pinned BuildGrid into its own venv once per pin set; return the `bgd` path."""
    pins = BUILDGRID_REQUIREMENTS.read_bytes()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or user_home() / ".cache") / "polo-buildgrid"
    venv = cache / f"venv-{hashlib.sha256(pins).hexdigest()[:12]}"
    bgd = venv / "bin" / "bgd"
    cache.mkdir(parents=True, exist_ok=True)
    # Two harness runs at once must not build the same venv over each other.
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (venv / ".complete").is_file():
            return bgd
        say(f"installing BuildGrid into {venv} (one time)...")
        started = time.monotonic()
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([base_python(), "-m", "venv", str(venv)], check=True)
        # The machine's pip.conf may name local indexes that do not exist: PyPI alone is wanted.
        pip_env = {**os.environ, "PIP_CONFIG_FILE": os.devnull}
        # This venv's pip (23.x) trusts only its bundled certifi unless told otherwise, and a test
        # sandbox passes no PIP_CERT: use the OpenSSL store (SSL_CERT_FILE or the system one),
        # where a TLS-inspecting proxy's CA lives.
        cafile = os.environ.get("SSL_CERT_FILE") or ssl.get_default_verify_paths().cafile
        if "PIP_CERT" not in os.environ and cafile:
            pip_env["PIP_CERT"] = cafile
        subprocess.run(
            [
                str(venv / "bin" / "python"),
                *("-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input"),
                *("--requirement", str(BUILDGRID_REQUIREMENTS)),
            ],
            check=True,
            env=pip_env,
        )
        (venv / ".complete").touch()
        say(f"installed BuildGrid in {time.monotonic() - started:.1f}s")
    return bgd


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def hs256_jwt(secret: str, subject: str) -> str:
    """A minimal signed JWT, as an identity provider would issue for a CI job."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = b64(json.dumps({"sub": subject, "exp": int(time.time()) + 3600}).encode())
    signature = hmac.new(secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    return f"{header}.{claims}.{b64(signature)}"


def write_bgd_config(workdir: Path, port: int, secret_file: Path) -> Path:
    # CAS + ActionCache only (no execution service): the shape of a pure remote cache.
    config = workdir / "bgd.yml"
    config.write_text(
        f"""\
server:
  - !channel
    address: "127.0.0.1:{port}"
    insecure-mode: true
authorization:
  method: jwt
  secret: {secret_file}
  algorithm: hs256
storages:
  - !lru-storage &cas
    size: 1GB
caches:
  - !lru-action-cache &actions
    storage: *cas
    max-cached-refs: 100000
    allow-updates: true
    cache-failed-actions: false
instances:
  - name: {INSTANCE}
    services:
      - !action-cache
        cache: *actions
      - !cas
        storage: *cas
      - !bytestream
        storage: *cas
"""
    )
    return config


def wait_until_listening(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"bgd exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.2)
    pytest.fail(f"bgd did not listen on 127.0.0.1:{port} in {SERVER_START_TIMEOUT_S}s")


@pytest.fixture
def cache_server(tmp_path: Path, say: Say) -> Iterator[CacheServer]:
    bgd = install_buildgrid(say)
    workdir = tmp_path / "buildgrid"
    workdir.mkdir()
    secret = secrets.token_urlsafe(48)
    secret_file = workdir / "jwt.secret"
    secret_file.write_text(secret)
    port = free_loopback_port()
    log = workdir / "bgd.log"
    started = time.monotonic()
    with open(log, "wb") as log_file:
        server = subprocess.Popen(
            [str(bgd), "server", "start", str(write_bgd_config(workdir, port, secret_file))],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_listening(port, server, log)
        say(f"BuildGrid up on 127.0.0.1:{port} in {time.monotonic() - started:.1f}s")
        yield CacheServer(f"grpc://127.0.0.1:{port}", hs256_jwt(secret, "polo-ci"), bgd)
    finally:
        # The server runs in its own session: end that group (ours alone) and reap it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def pants_env(root: Path, server: CacheServer, *, write: bool) -> dict[str, str]:
    # Start from this process' environment minus anything Pants-, PEX- or cache-related that an
    # enclosing Pants run may have set, then configure exactly what .ci/run would.
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PANTS_", "PEX_", "POLO_REMOTE_CACHE_"))
    }
    env.setdefault("HOME", str(user_home()))
    env.setdefault("PATH", os.defpath)
    env.update(
        PANTS_CONFIG_FILES=str(root / "pants.ci.toml"),
        POLO_REMOTE_CACHE_ADDRESS=server.address,
        POLO_REMOTE_CACHE_INSTANCE=INSTANCE,
        POLO_REMOTE_CACHE_HEADER=f"authorization: Bearer {server.token}",
        POLO_REMOTE_CACHE_WRITE="true" if write else "false",
    )
    return env


def run_pants_test(root: Path, repo: Path, caches: Path, env: dict[str, str]) -> PantsRun:
    script = 'source "$1/.ci/remote-cache.sh" && exec "$1/pants" "${@:2}"'
    command = [
        *("bash", "-c", script, "pants-with-remote-cache", str(root)),
        "--no-pantsd",
        f"--local-store-dir={caches / 'lmdb_store'}",
        f"--named-caches-dir={caches / 'named_caches'}",
        f"--local-execution-root-dir={caches / 'sandboxes'}",
        "test",
        "::",
    ]
    (caches / "sandboxes").mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    completed = subprocess.run(
        command,
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=PANTS_RUN_TIMEOUT_S,
    )
    seconds = time.monotonic() - started
    if completed.returncode != 0:
        pytest.fail(f"pants test :: exited {completed.returncode}:\n{completed.stdout[-6000:]}")
    return PantsRun(
        seconds=seconds,
        work_seconds=work_span(completed.stdout),
        output=completed.stdout,
        counters=parse_counters(completed.stdout),
        results={m["target"]: m["source"] or "ran" for m in RESULT_LINE.finditer(completed.stdout)},
    )


def work_span(output: str) -> float:
    stamps = [
        int(m["h"]) * 3600 + int(m["m"]) * 60 + float(m["s"])
        for m in PROCESS_LOG_LINE.finditer(output)
    ]
    if not stamps:
        return 0.0
    return (stamps[-1] - stamps[0]) % 86400  # a run may cross midnight


def parse_counters(output: str) -> dict[str, int]:
    counters: dict[str, int] = {}
    lines = output.splitlines()
    starts = [i for i, line in enumerate(lines) if line.endswith("Counters:")]
    if not starts:
        pytest.fail(f"Pants printed no stats counters ([stats] log):\n{output[-3000:]}")
    for line in lines[starts[-1] + 1 :]:
        match = COUNTER_LINE.match(line)
        if not match:
            break
        counters[match["name"]] = int(match["value"])
    return counters


def assert_server_refuses_anonymous_clients(server: CacheServer) -> None:
    """Without the token BuildGrid refuses a client: the auth header is what lets Pants in."""
    refused = subprocess.run(
        [
            *(str(server.bgd), "capabilities", "--instance-name", INSTANCE),
            *("--remote", server.address.replace("grpc://", "http://", 1)),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode != 0, refused.stdout
    assert "No valid authorization" in refused.stdout + refused.stderr


def wipe_local_caches(repo: Path, caches: Path) -> None:
    for path in (caches, repo / ".pants.d", repo / "dist"):
        shutil.rmtree(path, ignore_errors=True)
        assert not path.exists()


def test_second_run_is_served_by_the_remote_cache(
    cache_server: CacheServer,
    tmp_path: Path,
    say: Say,
) -> None:
    root = repo_root()
    repo = tmp_path / "fixture"
    shutil.copytree(FIXTURE, repo)
    caches = tmp_path / "pants-caches"
    expected = {
        f"{test_file.parent.relative_to(repo)}/{test_file.name}:tests"
        for test_file in repo.rglob("*_test.py")
    }

    assert_server_refuses_anonymous_clients(cache_server)

    say(f"run 1: cold, writing to {cache_server.address} ...")
    cold = run_pants_test(root, repo, caches, pants_env(root, cache_server, write=True))
    assert cold.results == dict.fromkeys(expected, "ran"), cold.output
    assert cold.counters["remote_cache_requests_cached"] == 0, cold.counters
    assert cold.counters["remote_cache_write_successes"] >= len(expected), cold.counters
    assert cold.counters["remote_cache_write_errors"] == 0, cold.counters

    wipe_local_caches(repo, caches)

    say(f"run 1 took {cold.seconds:.1f}s; run 2: local caches wiped, reading the remote cache ...")
    warm = run_pants_test(root, repo, caches, pants_env(root, cache_server, write=False))
    assert warm.results == dict.fromkeys(expected, "cached remotely"), warm.output
    assert warm.counters["remote_cache_requests_cached"] >= len(expected), warm.counters
    assert warm.counters["local_cache_requests_cached"] == 0, warm.counters
    assert warm.counters["remote_cache_read_errors"] == 0, warm.counters
    # POLO_REMOTE_CACHE_WRITE=false (pull requests) really makes the cache read-only.
    assert warm.counters["remote_cache_write_attempts"] == 0, warm.counters

    # For scale: the same run with the local cache intact. What is left is Pants' own start-up
    # (no pantsd in CI), which no cache removes.
    say(f"run 2 took {warm.seconds:.1f}s; run 3: local caches kept ...")
    local = run_pants_test(root, repo, caches, pants_env(root, cache_server, write=False))
    assert local.results == dict.fromkeys(expected, "cached locally"), local.output

    runs = {"cold": cold, "remote-hit": warm, "local-hit": local}
    wall = ", ".join(f"{name} {run.seconds:.1f}s" for name, run in runs.items())
    span = ", ".join(f"{name} {run.work_seconds:.1f}s" for name, run in runs.items())
    say(
        f"figures for {len(expected)} test files:\n"
        f"  wall time:          {wall}\n"
        f"  process-step span:  {span}\n"
        f"  remote-hit run:     {warm.counters['remote_cache_requests_cached']}/"
        f"{warm.counters['remote_cache_requests']} cacheable processes from the remote cache, "
        f"{warm.counters['local_cache_requests_cached']} from the local one, "
        f"{warm.counters['remote_cache_total_time_saved_ms'] / 1000:.1f}s of process time saved"
    )
