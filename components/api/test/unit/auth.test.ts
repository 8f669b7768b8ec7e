import { fetchMock } from "cloudflare:test";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { authenticate, certsUrl, clearKeySetCache, teamIssuer } from "../../src/auth";
import { call, errorOf, testEnv } from "./helpers";

// Matches the bindings in vitest.config.ts.
const TEAM = "polo-test";
const ISSUER = "https://polo-test.cloudflareaccess.com";
const AUDIENCE = "polo-test-aud";
const KID = "test-key-1";

let signingKey: CryptoKey;
let otherKey: CryptoKey;
let jwks: { keys: JWK[] };

const env = () => testEnv({ POLO_AUTH_DEV_BYPASS: "0" });

beforeAll(async () => {
  fetchMock.activate();
  fetchMock.disableNetConnect();
  const pair = await generateKeyPair("RS256", { extractable: true });
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair("RS256")).privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: KID, alg: "RS256", use: "sig" }] };
});

beforeEach(() => clearKeySetCache());
afterEach(() => fetchMock.assertNoPendingInterceptors());

/** Serves the team's JWKS once, as Cloudflare Access does at /cdn-cgi/access/certs. */
function serveJwks(status = 200, body: unknown = jwks): void {
  fetchMock.get(ISSUER).intercept({ path: "/cdn-cgi/access/certs", method: "GET" }).reply(status, JSON.stringify(body), {
    headers: { "content-type": "application/json" },
  });
}

interface TokenOptions {
  key?: CryptoKey;
  kid?: string;
  issuer?: string;
  audience?: string;
  expiresIn?: string | number;
  subject?: string;
}

async function token(options: TokenOptions = {}): Promise<string> {
  return new SignJWT({ email: "finops@example.com" })
    .setProtectedHeader({ alg: "RS256", kid: options.kid ?? KID })
    .setSubject(options.subject ?? "user-123")
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "5m")
    .sign(options.key ?? signingKey);
}

function b64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

async function openapiWith(jwt: string | null) {
  const headers: Record<string, string> = jwt === null ? {} : { "Cf-Access-Jwt-Assertion": jwt };
  return call("/api/openapi.json", env(), { headers });
}

async function expectRejected(jwt: string | null, status: number, code: string, messagePart: string) {
  const response = await openapiWith(jwt);
  const error = await errorOf(response);
  expect(response.status, error.message).toBe(status);
  expect(error.code).toBe(code);
  expect(error.message).toContain(messagePart);
}

describe("Cloudflare Access JWT", () => {
  it("accepts a valid token and returns its identity", async () => {
    serveJwks();
    const request = new Request("https://polo.test/api/health", { headers: { "Cf-Access-Jwt-Assertion": await token() } });
    expect(await authenticate(request, env())).toEqual({ subject: "user-123", email: "finops@example.com", bypass: false });
  });

  it("serves a request carrying a valid token", async () => {
    serveJwks();
    expect((await openapiWith(await token())).status).toBe(200);
  });

  it("caches the key set across requests", async () => {
    serveJwks(); // one interceptor: a second JWKS fetch would find none and fail
    for (let i = 0; i < 3; i += 1) expect((await openapiWith(await token())).status).toBe(200);
  });

  it("rejects a missing header with 401", () => expectRejected(null, 401, "unauthenticated", "missing Cf-Access-Jwt-Assertion"));

  it("rejects an expired token with 401", async () => {
    serveJwks();
    await expectRejected(await token({ expiresIn: Math.floor(Date.now() / 1000) - 120 }), 401, "unauthenticated", "expired");
  });

  it("rejects a token for another application (audience) with 403", async () => {
    serveJwks();
    await expectRejected(await token({ audience: "someone-elses-aud" }), 403, "forbidden", "another application");
  });

  it("rejects a token from another team (issuer) with 403", async () => {
    serveJwks();
    await expectRejected(await token({ issuer: "https://evil.cloudflareaccess.com" }), 403, "forbidden", "another team");
  });

  it("rejects a bad signature (right kid, wrong private key) with 401", async () => {
    serveJwks();
    await expectRejected(await token({ key: otherKey }), 401, "unauthenticated", "signature is invalid");
  });

  it("rejects a tampered payload with 401", async () => {
    serveJwks();
    const [header, , signature] = (await token()).split(".");
    const forged = b64url({ sub: "admin", iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 });
    await expectRejected(`${header}.${forged}.${signature}`, 401, "unauthenticated", "signature is invalid");
  });

  it("rejects an unsigned token (alg: none) with 401", async () => {
    const claims = { sub: "admin", iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 };
    await expectRejected(`${b64url({ alg: "none", typ: "JWT" })}.${b64url(claims)}.`, 401, "unauthenticated", "not allowed");
  });

  it("rejects an HMAC token (algorithm confusion) with 401", async () => {
    const secret = new TextEncoder().encode("a-shared-secret-that-nobody-should-trust");
    const hs = await new SignJWT({}).setProtectedHeader({ alg: "HS256", kid: KID }).setIssuer(ISSUER).setAudience(AUDIENCE)
      .setExpirationTime("5m").sign(secret);
    await expectRejected(hs, 401, "unauthenticated", "not allowed");
  });

  it("rejects a token signed by an unknown key id with 401", async () => {
    serveJwks();
    await expectRejected(await token({ kid: "rotated-away" }), 401, "unauthenticated", "unknown key");
  });

  it("rejects garbage with 401", () => expectRejected("not-a-jwt", 401, "unauthenticated", "malformed"));

  it("answers 502 when the key set cannot be fetched", async () => {
    serveJwks(500, { error: "down" });
    await expectRejected(await token(), 502, "auth_keys_unavailable", "signing keys could not be loaded");
  });
});

/** A validly signed token with exactly these claims (iss and aud added unless given). */
async function signed(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, ...claims }).setProtectedHeader({ alg: "RS256", kid: KID }).sign(signingKey);
}

const now = () => Math.floor(Date.now() / 1000);

describe("Cloudflare Access JWT: claims the attack run got through with (issue 20)", () => {
  it("rejects a token issued an hour in the future", async () => {
    serveJwks();
    await expectRejected(await signed({ sub: "u", iat: now() + 3600, exp: now() + 7200 }), 401, "unauthenticated", "issued in the future");
  });

  it("rejects a token without exp", async () => {
    serveJwks();
    await expectRejected(await signed({ sub: "u", iat: now() }), 401, "unauthenticated", "no 'exp' claim");
  });

  it("rejects a token without iat", async () => {
    serveJwks();
    await expectRejected(await signed({ sub: "u", exp: now() + 300 }), 401, "unauthenticated", "no 'iat' claim");
  });

  it("rejects a token older than the bounded age, even with a far expiry", async () => {
    serveJwks();
    const token = await signed({ sub: "u", iat: now() - 25 * 3600, exp: now() + 3600 });
    await expectRejected(token, 401, "unauthenticated", "older than 86400 s");
  });

  it("rejects a token with an empty sub and an empty email", async () => {
    serveJwks();
    await expectRejected(await signed({ sub: "", email: "", iat: now(), exp: now() + 300 }), 401, "unauthenticated", "names no subject");
  });

  it("rejects a token whose subject is only blanks", async () => {
    serveJwks();
    await expectRejected(await signed({ sub: "  ", iat: now(), exp: now() + 300 }), 401, "unauthenticated", "names no subject");
  });

  it("accepts an Access service token (empty sub, client id in common_name)", async () => {
    serveJwks();
    const token = await signed({ sub: "", common_name: "abc123.access", iat: now(), exp: now() + 300 });
    const request = new Request("https://polo.test/api/health", { headers: { "Cf-Access-Jwt-Assertion": token } });
    expect(await authenticate(request, env())).toEqual({ subject: "abc123.access", email: undefined, bypass: false });
  });
});

describe("configuration", () => {
  it("normalises the team domain into issuer and certs URL", () => {
    for (const team of ["polo", "polo.cloudflareaccess.com", "https://polo.cloudflareaccess.com/"]) {
      expect(teamIssuer(team)).toBe("https://polo.cloudflareaccess.com");
    }
    expect(certsUrl(TEAM)).toBe(`${ISSUER}/cdn-cgi/access/certs`);
  });

  it("lets requests in without a token when the dev bypass is on outside production", async () => {
    const response = await call("/api/openapi.json", testEnv({ POLO_ENV: "development", POLO_AUTH_DEV_BYPASS: "1" }));
    expect(response.status).toBe(200);
  });

  it("refuses to serve in production with the dev bypass set, even with a valid token", async () => {
    const response = await call("/api/openapi.json", testEnv({ POLO_ENV: "production", POLO_AUTH_DEV_BYPASS: "1" }), {
      headers: { "Cf-Access-Jwt-Assertion": await token() },
    });
    const error = await errorOf(response);
    expect(response.status).toBe(500);
    expect(error).toEqual({
      code: "misconfigured",
      message: "POLO_AUTH_DEV_BYPASS=1 is only allowed when POLO_ENV is development (local wrangler dev); refusing to serve",
    });
  });

  it("treats an undeclared environment as production for the bypass", async () => {
    const response = await call("/api/openapi.json", testEnv({ POLO_ENV: undefined, POLO_AUTH_DEV_BYPASS: "1" }));
    expect(response.status).toBe(500);
  });

  it("only the exact value 1 enables the bypass", async () => {
    const response = await call("/api/openapi.json", testEnv({ POLO_ENV: "development", POLO_AUTH_DEV_BYPASS: "true" }));
    expect(response.status).toBe(401);
  });

  it("refuses to serve without Access settings when not bypassing", async () => {
    const response = await call("/api/openapi.json", testEnv({ POLO_AUTH_DEV_BYPASS: "0", ACCESS_AUD: "" }));
    expect(response.status).toBe(500);
    expect((await errorOf(response)).code).toBe("misconfigured");
  });

  it("authenticates before routing, so unknown routes do not leak to anonymous callers", async () => {
    const response = await call("/api/nope", env());
    expect(response.status).toBe(401);
  });
});
