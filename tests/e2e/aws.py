"""The AWS side of the e2e stories: moto's HTTP server holding the organisation, and a thin
HTTP front door in front of it that every collector talks to (`AWS_ENDPOINT_URL`).

The front door forwards every request to moto unchanged, except:

- Cost Explorer (`AWSInsightsIndexService.*`): moto answers `GetCostAndUsage` only from a queue of
  canned results and lacks `GetCostAndUsageWithResources`, so the front door answers both from the
  fleet definition (`fleet.cost_lines`), grouping and filtering the way Cost Explorer does;
- faults a story switches on (`Fault`): throttling on a chosen call, AccessDenied on AssumeRole
  into one account. These are the only faults moto cannot produce; they are injected as the
  HTTP error responses AWS sends, so the collectors' real retry and error paths run.
"""

from __future__ import annotations

import http.client
import json
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from e2e import fleet as org


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def service(self) -> str:
        # Credential=AKID/20261206/us-east-1/ec2/aws4_request
        auth = self.headers.get("authorization", "")
        try:
            return auth.split("Credential=")[1].split(",")[0].split("/")[3]
        except IndexError:
            return ""

    @property
    def target(self) -> str:
        return self.headers.get("x-amz-target", "")

    @property
    def params(self) -> dict[str, str]:
        if self.target:
            return {}
        return {k: v[0] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()}

    @property
    def action(self) -> str:
        if self.target:
            return self.target.split(".")[-1]
        return self.params.get("Action", "")


@dataclass
class Fault:
    """Answer matching requests with an AWS error instead of forwarding them."""

    service: str
    action: str
    status: int
    code: str
    message: str
    times: int | None = None  # None: every matching request
    when: Callable[[Request], bool] = lambda _request: True
    hits: int = 0

    def matches(self, request: Request) -> bool:
        if request.service != self.service or request.action != self.action:
            return False
        if not self.when(request):
            return False
        return self.times is None or self.hits < self.times

    def response(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        self.hits += 1
        rid = str(uuid.uuid4())
        if request.target:  # JSON protocol
            body = json.dumps({"__type": self.code, "message": self.message}).encode()
            return self.status, {"Content-Type": "application/x-amz-json-1.1"}, body
        if self.service == "ec2":
            xml = (
                f'<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error>'
                f"<Code>{self.code}</Code><Message>{self.message}</Message></Error></Errors>"
                f"<RequestID>{rid}</RequestID></Response>"
            )
        else:
            xml = (
                f"<ErrorResponse><Error><Type>Sender</Type><Code>{self.code}</Code>"
                f"<Message>{self.message}</Message></Error><RequestId>{rid}</RequestId>"
                f"</ErrorResponse>"
            )
        return self.status, {"Content-Type": "text/xml"}, xml.encode()


def throttle(service: str, action: str, times: int) -> Fault:
    code = {"ec2": "RequestLimitExceeded", "ce": "ThrottlingException"}.get(service, "Throttling")
    return Fault(service, action, 503 if service == "ec2" else 400, code, "Rate exceeded", times)


def deny_assume_role(account: str) -> Fault:
    return Fault(
        "sts",
        "AssumeRole",
        403,
        "AccessDenied",
        f"User: arn:aws:sts::{org.PAYER}:assumed-role/polo-collector/lambda is not authorized to "
        f"perform: sts:AssumeRole on resource: arn:aws:iam::{account}:role/PoloReadRole",
        when=lambda request: f":{account}:" in request.params.get("RoleArn", ""),
    )


# ---------------------------------------------------------------------------------------------
# Cost Explorer, answered from the fleet definition.

DIMENSIONS = ("LINKED_ACCOUNT", "SERVICE", "USAGE_TYPE", "RESOURCE_ID")


@dataclass
class CostExplorer:
    """Cost Explorer over `fleet`, whose day 0 is `start`. `revisions` scale a day's amounts
    (a provisional estimate); `estimated` days are flagged `Estimated: true`."""

    fleet: dict[str, org.Resource]
    start: date
    days: int
    revisions: dict[int, Decimal] = field(default_factory=dict)
    estimated: set[int] = field(default_factory=set)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def lines(self, day: date) -> Iterator[dict[str, Any]]:
        index = (day - self.start).days
        if not 0 <= index < self.days:
            return
        factor = self.revisions.get(index, Decimal(1))
        for line in org.cost_lines(self.fleet, index):
            resource = self.fleet[line.key]
            yield {
                "LINKED_ACCOUNT": line.account,
                "SERVICE": line.service,
                "USAGE_TYPE": line.usage_type,
                "RESOURCE_ID": resource.aws_id or "NoResourceId",
                "cost": (line.cost * factor).quantize(org.MICRO),
                "quantity": line.quantity,
                "unit": line.unit,
            }

    def answer(self, action: str, body: dict[str, Any]) -> dict[str, Any]:
        self.requests.append({"action": action, **body})
        keys = [g["Key"] for g in body.get("GroupBy", [])]
        start = date.fromisoformat(body["TimePeriod"]["Start"])
        end = date.fromisoformat(body["TimePeriod"]["End"])
        results = []
        day = start
        while day < end:
            groups: dict[tuple[str, ...], list[Decimal]] = defaultdict(
                lambda: [Decimal(0), Decimal(0)]
            )
            units: dict[tuple[str, ...], str] = {}
            for line in self.lines(day):
                if not _matches(body.get("Filter"), line):
                    continue
                group = tuple(line[k] for k in keys)
                groups[group][0] += line["cost"]
                groups[group][1] += line["quantity"]
                units.setdefault(group, line["unit"])
            results.append(
                {
                    "TimePeriod": {
                        "Start": day.isoformat(),
                        "End": (day + timedelta(days=1)).isoformat(),
                    },
                    "Total": {},
                    "Groups": [
                        {
                            "Keys": list(group),
                            "Metrics": {
                                "UnblendedCost": {"Amount": str(cost), "Unit": "USD"},
                                "AmortizedCost": {"Amount": str(cost), "Unit": "USD"},
                                "UsageQuantity": {"Amount": str(qty), "Unit": units[group]},
                            },
                        }
                        for group, (cost, qty) in sorted(groups.items())
                    ],
                    "Estimated": (day - self.start).days in self.estimated,
                }
            )
            day += timedelta(days=1)
        return {
            "GroupDefinitions": [{"Type": "DIMENSION", "Key": k} for k in keys],
            "ResultsByTime": results,
            "DimensionValueAttributes": [],
        }


def _matches(flt: dict[str, Any] | None, line: dict[str, Any]) -> bool:
    if not flt:
        return True
    if "And" in flt:
        return all(_matches(part, line) for part in flt["And"])
    if "Dimensions" in flt:
        dim = flt["Dimensions"]
        return line[dim["Key"]] in dim["Values"]
    raise ValueError(f"unsupported Cost Explorer filter {flt!r}")


# ---------------------------------------------------------------------------------------------
# The front door.


class FrontDoor:
    """An HTTP server on an ephemeral port: Cost Explorer and faults here, the rest to moto."""

    def __init__(self, moto_url: str, cost_explorer: CostExplorer | None = None) -> None:
        self.moto = urlsplit(moto_url)
        self.cost_explorer = cost_explorer
        self.faults: list[Fault] = []
        self.calls: dict[tuple[str, str], int] = defaultdict(int)
        self._lock = threading.Lock()
        door = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(
                    self.command,
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                status, headers, payload = door.route(request)
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def route(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.calls[(request.service, request.action)] += 1
            for fault in self.faults:
                if fault.matches(request):
                    return fault.response(request)
        if request.target.startswith("AWSInsightsIndexService.") and self.cost_explorer:
            action = request.target.split(".")[-1]
            if action not in ("GetCostAndUsage", "GetCostAndUsageWithResources"):
                return 400, {}, json.dumps({"__type": "ValidationException"}).encode()
            with self._lock:
                answer = self.cost_explorer.answer(action, json.loads(request.body or b"{}"))
            return 200, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(answer).encode()
        return self._forward(request)

    def _forward(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(self.moto.hostname, self.moto.port, timeout=60)
        try:
            headers = {k: v for k, v in request.headers.items() if k not in ("connection",)}
            connection.request(request.method, request.path, body=request.body, headers=headers)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
