"""The running parts of an e2e world, each a real process or server:

- `ClickHouse`: Polo's chlocal endpoint (chDB behind the ClickHouse HTTP interface) in its own
  process, which a story can restart on the same port and data directory; the collectors reach
  it through `ClickHouseDoor`, a pass-through HTTP front door that can act when it sees a chosen
  INSERT (kill the Lambda that sent it, restart the endpoint under it);
- `LambdaFunction`: a collector's built Lambda artifact (`pants package components/collectors::`),
  unzipped and run as the Lambda runtime runs it: a long-lived process (a warm container) with
  `python -S` (no site-packages: only what the zip carries), its handler called once per event,
  the function's environment fixed per container;
- `Worker`: the API Worker in workerd (`wrangler dev`, the dev auth bypass), queried over HTTP;
- `UI`: the UI's production build (components/ui/dist) under `vite preview`, proxying /api to the
  Worker, read in Chromium by `ui_pages.mjs` (Playwright's Node API from the UI's node_modules).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from chlocal import process
from clickhouse.client import PoloClickHouse, connect
from schema.migrate import apply_migrations
from stack.api_service import wrangler_command

COLLECTORS: tuple[str, ...] = (
    "config_ec2",
    "config_ebs",
    "config_network",
    "tags",
    "relationships",
    "lifecycle",
    "cost_explorer",
)
INVENTORY: tuple[str, ...] = ("config_ec2", "config_ebs", "config_network", "tags", "relationships")


# ---------------------------------------------------------------------------------------------
# The reaper: if the test process dies without its teardown (a Pants timeout kills it), a small
# watchdog kills every process group a world started, so no moto, ClickHouse, Lambda or
# workerd outlives the run. (PR_SET_PDEATHSIG cannot do this: it fires when the *thread* that
# started the child exits, and children are started from worker threads here.)

_REAPER = r"""
import os, signal, sys, time
parent, path = int(sys.argv[1]), sys.argv[2]
while True:
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        break
    if os.getppid() != parent:
        break
    time.sleep(0.5)
try:
    pids = [int(p) for p in open(path).read().split()]
except OSError:
    pids = []
for pid in pids:
    for target in (-pid, pid):
        try:
            os.kill(target, signal.SIGKILL)
        except OSError:
            pass
try:
    os.unlink(path)
except OSError:
    pass
"""


class Reaper:
    _instance: Reaper | None = None

    def __init__(self) -> None:
        import tempfile

        handle, name = tempfile.mkstemp(prefix="polo-e2e-pids-")
        os.close(handle)
        self.path = Path(name)
        self.watchdog = subprocess.Popen(
            [sys.executable, "-S", "-c", _REAPER, str(os.getpid()), name],
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    @classmethod
    def adopt(cls, pid: int) -> int:
        """Register a process that leads its own process group (started in a new session)."""
        if cls._instance is None:
            cls._instance = Reaper()
        with cls._instance.path.open("a") as pids:
            pids.write(f"{pid}\n")
        return pid


def artifact(collector: str) -> Path:
    """Where `pants package` writes a collector's zip (Pants puts it in the test sandbox too)."""
    return Path(f"components.collectors.{collector}/lambda.zip")


def find_artifact(collector: str) -> Path:
    for base in (Path("."), Path("dist")):
        candidate = base / artifact(collector)
        if candidate.exists():
            return candidate
    raise FileNotFoundError(
        f"{artifact(collector)} not found: run `./pants package components/collectors::` "
        "(Pants builds it for `./pants test tests/e2e::`)"
    )


# ---------------------------------------------------------------------------------------------
# ClickHouse


class ClickHouse:
    """A chlocal endpoint in its own process; `restart()` keeps the port and the data."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = process.free_port()
        self.log_path = data_dir.parent / f"chlocal-{self.port}.log"
        self.pid = 0
        self.restarts = 0
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "chlocal.server",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
            "--log-level",
            "warning",
        ]
        self.pid = Reaper.adopt(
            process.spawn(command, log_path=self.log_path, env=process.child_python_env())
        )
        process.wait_healthy(
            "chlocal", f"{self.url}/ping", pid=self.pid, log_path=self.log_path, timeout_s=60
        )

    def stop(self) -> None:
        process.stop(self.pid)
        process.wait_port_free(self.port)

    def discard(self) -> None:
        """The end of a story: the data directory is thrown away, so no graceful shutdown."""
        if process.pid_alive(self.pid):
            os.kill(self.pid, signal.SIGKILL)
            while process.pid_alive(self.pid):
                time.sleep(0.05)

    def restart(self) -> None:
        self.stop()
        self.start()
        self.restarts += 1

    def client(self, database: str = "polo") -> PoloClickHouse:
        return connect(self.url, database=database)

    def migrate(self, database: str = "polo") -> None:
        with connect(self.url, database=database, create_database=True) as db:
            apply_migrations(db)


@dataclass
class InsertHook:
    """When the `nth` INSERT INTO `table` passes the door: `forward` it or not, then `act()`,
    then drop the client's connection without an answer (what a dying peer looks like)."""

    table: str
    nth: int
    act: Callable[[], None]
    forward: bool = True
    seen: int = 0
    fired: bool = False


class ClickHouseDoor:
    """A pass-through HTTP front door to a `ClickHouse` (whose port may change under it)."""

    def __init__(self, backend: ClickHouse) -> None:
        self.backend = backend
        self.hooks: list[InsertHook] = []
        self._lock = threading.Lock()
        door = self
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                        if size == 0:
                            self.rfile.readline()
                            return b"".join(chunks)
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _handle(self) -> None:
                body = self._body()
                hook = door.hook_for(self.path, body)
                if hook is not None:
                    if hook.forward:
                        door.forward(self.command, self.path, dict(self.headers), body)
                    hook.act()
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(2)
                    return
                try:
                    status, headers, payload = door.forward(
                        self.command, self.path, dict(self.headers), body
                    )
                except OSError:
                    self.close_connection = True
                    return
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def hook_for(self, path: str, body: bytes) -> InsertHook | None:
        query = parse_qs(urlsplit(path).query).get("query", [""])[0]
        text = (query or body[:200].decode("utf-8", "replace")).lstrip().upper()
        if not text.startswith("INSERT INTO"):
            return None
        table = text.split()[2].strip("`").split(".")[-1].strip("`").lower()
        with self._lock:
            for hook in self.hooks:
                if hook.fired or hook.table != table:
                    continue
                hook.seen += 1
                if hook.seen == hook.nth:
                    hook.fired = True
                    return hook
        return None

    def forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.backend.port, timeout=120)
        try:
            sent = {
                k: v
                for k, v in headers.items()
                if k.lower() not in ("transfer-encoding", "content-length", "connection", "host")
            }
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()


# ---------------------------------------------------------------------------------------------
# Lambda functions from their artifacts

# The Lambda runtime's loop, reduced: import the handler module once, then one event per line
# on stdin, one JSON result per line on the original stdout (logs go to stderr).
_RUNTIME = r"""
import json, os, sys, traceback
out = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)
import lambda_function
for line in sys.stdin:
    event = json.loads(line)
    try:
        result = {"ok": True, "result": lambda_function.handler(event, None)}
    except Exception as error:
        result = {"ok": False, "error": f"{type(error).__name__}: {error}",
                  "trace": traceback.format_exc()}
    out.write(json.dumps(result, default=str) + "\n")
    out.flush()
"""


class LambdaFunction:
    """One collector function: its unzipped artifact and a warm container (started lazily,
    replaced after a crash: the next invocation is a cold start, as on AWS)."""

    def __init__(self, collector: str, root: Path, env: dict[str, str]) -> None:
        self.collector = collector
        self.code = root / collector
        if not self.code.exists():
            with zipfile.ZipFile(find_artifact(collector)) as zipped:
                zipped.extractall(self.code)
        self.env = env
        self.log_path = root / f"{collector}.log"
        self.container: subprocess.Popen[str] | None = None
        self.invocations = 0
        self.cold_starts = 0

    def _start(self) -> subprocess.Popen[str]:
        log = self.log_path.open("a")
        self.cold_starts += 1
        container = subprocess.Popen(
            [sys.executable, "-S", "-c", _RUNTIME],
            cwd=self.code,
            env={"PYTHONPATH": str(self.code), "PATH": "/usr/bin:/bin", **self.env},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            start_new_session=True,
        )
        Reaper.adopt(container.pid)
        return container

    @property
    def pid(self) -> int:
        return self.container.pid if self.container else 0

    def invoke(self, event: dict[str, Any], *, timeout_s: float = 300) -> dict[str, Any]:
        """Invoke with `event`; returns {"ok", "result" | "error"}; a killed container gives
        {"ok": False, "error": "container died ..."}."""
        if self.container is None or self.container.poll() is not None:
            self.container = self._start()
        self.invocations += 1
        container = self.container
        assert container.stdin and container.stdout
        container.stdin.write(json.dumps(event) + "\n")
        container.stdin.flush()
        timer = threading.Timer(timeout_s, lambda: container.kill())
        timer.start()
        try:
            line = container.stdout.readline()
        finally:
            timer.cancel()
        if not line:
            container.wait()
            self.container = None
            return {
                "ok": False,
                "error": f"container died (exit {container.returncode})",
                "log": self.log_tail(),
            }
        return json.loads(line)

    def kill(self) -> None:
        """What a Lambda timeout or out-of-memory does to the sandbox: SIGKILL, no cleanup."""
        if self.container and self.container.poll() is None:
            os.killpg(self.container.pid, signal.SIGKILL)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def close(self) -> None:
        """Lambda freezes and discards idle containers without notice: so does this."""
        if self.container and self.container.poll() is None:
            self.kill()
            self.container.wait()


# ---------------------------------------------------------------------------------------------
# The API Worker


def api_dir() -> Path:
    return Path("components/api").resolve()


@dataclass
class Worker:
    clickhouse_url: str
    log_path: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    calls: list[str] = field(default_factory=list)

    def start(self) -> Worker:
        directory = api_dir()
        wrangler = directory / "node_modules/.bin/wrangler"
        if not wrangler.exists():
            raise FileNotFoundError(
                f"{wrangler} missing: `npm ci` in components/api (Pants runs it for the e2e target)"
            )
        self.port = process.free_port()
        command = [
            *wrangler_command(
                wrangler, directory, self.port, process.free_port(), self.clickhouse_url
            ),
            "--log-level",
            "warn",
        ]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command,
            cwd=directory,
            env={**os.environ, "WRANGLER_SEND_METRICS": "false", "CI": "1"},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        Reaper.adopt(self.process.pid)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"wrangler dev exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/openapi.json", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"wrangler dev did not answer:\n{self.log_path.read_text()[-3000:]}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        query = urllib.parse.urlencode({k: str(v) for k, v in params.items()})
        url = f"{self.url}{path}" + (f"?{query}" if query else "")
        self.calls.append(url)
        try:
            with urllib.request.urlopen(url, timeout=60) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as error:
            raise AssertionError(f"GET {url}: {error.code} {error.read()[:500]!r}") from error

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# ---------------------------------------------------------------------------------------------
# The UI in Chromium


def ui_dir() -> Path:
    return Path("components/ui").resolve()


def ui_build_is_current(directory: Path) -> bool:
    """Whether dist/ is a build of the UI's current sources, judged as the UI's own e2e judges it
    (e2e/support/build-inputs.mjs: the digest `vite build` stamps into dist/). Pants hands the
    target a fresh build without the sources (components/ui:build): that one is current."""
    index = directory / "dist/index.html"
    if not index.exists():
        return False
    if not (directory / "src").is_dir():
        return True
    stamp = directory / "dist/.build-inputs"
    digest = subprocess.run(
        [
            "node",
            "--input-type=module",
            "-e",
            "import { inputsDigest } from './e2e/support/build-inputs.mjs';"
            "process.stdout.write(inputsDigest('.'));",
        ],
        cwd=directory,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return stamp.exists() and stamp.read_text().strip() == digest


class UI:
    """The UI's production build under `vite preview`, its /api proxied to `worker_url` (how the
    UI's own e2e serves it: components/ui/e2e/support/stack.mjs)."""

    def __init__(self, worker_url: str, log_path: Path) -> None:
        directory = ui_dir()
        vite = directory / "node_modules/.bin/vite"
        if not vite.exists():
            raise FileNotFoundError(
                f"{vite} missing: `npm ci` in components/ui (Pants runs it for the e2e target)"
            )
        if not ui_build_is_current(directory):
            subprocess.run([str(vite), "build", "--logLevel", "warn"], cwd=directory, check=True)
        self.port = process.free_port()
        command = [
            str(vite),
            "preview",
            "--port",
            str(self.port),
            "--strictPort",
            "--logLevel",
            "warn",
        ]
        env = {**os.environ, "POLO_API_URL": worker_url, "POLO_UI_PORT": str(self.port)}
        self.pid = Reaper.adopt(process.spawn(command, log_path=log_path, env=env, cwd=directory))
        process.wait_healthy(
            "vite preview", self.url, pid=self.pid, log_path=log_path, timeout_s=60
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def read(self, paths: list[str], *, timeout_s: float = 180) -> list[dict[str, Any]]:
        """Open each of `paths` in one headless Chromium and return what the page shows
        (`ui_pages.mjs` documents the shape)."""
        script = Path(__file__).with_name("ui_pages.mjs")
        if not script.exists():  # Pants' sandbox holds the sources under their source root
            script = Path("tests/e2e/ui_pages.mjs").resolve()
        done = subprocess.run(
            ["node", str(script), str(ui_dir()), self.url, json.dumps(paths)],
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
        if done.returncode != 0:
            raise AssertionError(f"ui_pages.mjs failed ({done.returncode}):\n{done.stderr[-4000:]}")
        return json.loads(done.stdout)

    def stop(self) -> None:
        process.stop(self.pid)
