/**
 * The request lines of the attack run (issue 20) sent byte for byte over a socket to the Worker
 * in workerd, where no client-side URL parser can tidy them first: a raw backslash traversal is
 * routed exactly like its normalised path (so every check on that path, authentication included,
 * still applies), and a method name workerd does not know is refused before the Worker runs with
 * nothing from Polo in the answer.
 */
import { connect } from "node:net";
import { describe, expect, inject, it } from "vitest";

const workerUrl = new URL(inject("workerUrl"));

interface RawResponse {
  status: number;
  headers: string;
  body: string;
}

/** One HTTP/1.1 request with exactly this request line; the answer as the socket delivers it. */
async function rawRequest(method: string, target: string, host = workerUrl.host): Promise<RawResponse> {
  const text = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(workerUrl.port), workerUrl.hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(20_000, () => socket.destroy(new Error(`${method} ${target}: no answer in 20 s`)));
    socket.on("connect", () => socket.write(`${method} ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
    // workerd keeps the connection open for a while despite `Connection: close`: stop reading
    // once the answer is complete rather than waiting for the socket to end.
    const finish = () => {
      socket.destroy();
      resolve(Buffer.concat(chunks).toString("utf8"));
    };
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      if (isComplete(Buffer.concat(chunks).toString("utf8"))) finish();
    });
    socket.on("end", finish);
    socket.on("error", reject);
  });
  const [head = "", ...rest] = text.split("\r\n\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]);
  return { status, headers: head, body: rest.join("\r\n\r\n") };
}

/** Whether `text` holds a whole HTTP/1.1 answer: a head, then its Content-Length or last chunk. */
function isComplete(text: string): boolean {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return false;
  const head = text.slice(0, end);
  const body = text.slice(end + 4);
  const length = /content-length:\s*(\d+)/i.exec(head)?.[1];
  if (length !== undefined) return Buffer.byteLength(body, "utf8") >= Number(length);
  if (/transfer-encoding:\s*chunked/i.test(head)) return /(^|\r\n)0\r\n\r\n$/.test(body);
  return false;
}

/**
 * The answer's JSON without the fields two identical requests a moment apart differ in: a query's
 * `elapsed_ms`, and health's ClickHouse `latency_ms` and each collector's `age_seconds`.
 */
const TIMING_FIELDS = new Set(["elapsed_ms", "latency_ms", "age_seconds"]);
function answerOf(response: RawResponse): unknown {
  return JSON.parse(payload(response), (key, value) => (TIMING_FIELDS.has(key) ? undefined : value));
}

/** What the Worker's body says, without the chunked framing workerd may add. */
function payload(response: RawResponse): string {
  if (!/transfer-encoding:\s*chunked/i.test(response.headers)) return response.body;
  let rest = response.body;
  let out = "";
  for (;;) {
    const newline = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, newline), 16);
    if (!size) return out;
    out += rest.slice(newline + 2, newline + 2 + size);
    rest = rest.slice(newline + 4 + size);
  }
}

describe("raw backslashes in the path", () => {
  const cases: [string, string][] = [
    ["/api/costs/by-customer\\..\\..\\health", "/api/health"],
    ["/api/health\\..\\costs\\by-customer", "/api/costs/by-customer"],
    ["/api\\costs\\by-account-role", "/api/costs/by-account-role"],
  ];

  for (const [raw, normalised] of cases) {
    it(`${raw} is answered exactly as ${normalised}`, async () => {
      const [viaRaw, direct] = [await rawRequest("GET", raw), await rawRequest("GET", normalised)];
      expect(viaRaw.status).toBe(200);
      expect(viaRaw.status).toBe(direct.status);
      expect(answerOf(viaRaw)).toEqual(answerOf(direct));
    });
  }

  it("a traversal from the public health route to a data route is still refused without credentials", async () => {
    // A non-loopback Host is not let in by the dev bypass: the data route then needs a token.
    const viaRaw = await rawRequest("GET", "/api/health\\..\\costs\\by-customer", "polo.example.com");
    const direct = await rawRequest("GET", "/api/costs/by-customer", "polo.example.com");
    expect(viaRaw.status).toBe(403);
    expect([viaRaw.status, answerOf(viaRaw)]).toEqual([direct.status, answerOf(direct)]);
  });
});

describe("methods", () => {
  it("a method workerd does not know is a 501 from the runtime, with nothing of Polo's in it", async () => {
    const response = await rawRequest("FOO", "/api/costs/by-customer");
    expect(response.status).toBe(501);
    expect(response.body).not.toMatch(/SELECT|FROM|cost_|\/api\/|at .*\.(ts|js)|stack/i);
  });

  it("a method it knows but Polo does not serve reaches the Worker and is a JSON 405", async () => {
    const response = await rawRequest("PROPFIND", "/api/costs/by-customer");
    expect(response.status).toBe(405);
    expect(JSON.parse(payload(response)).error.code).toBe("method_not_allowed");
  });
});
