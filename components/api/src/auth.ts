/**
 * Cloudflare Access authentication.
 *
 * Access puts a signed JWT in the `Cf-Access-Jwt-Assertion` header of every request it lets
 * through. The Worker verifies it again (defence in depth: a route that bypasses Access, or a
 * misconfigured application, must not expose cost data) against the team's JWKS, with the
 * team's issuer and the application's audience tag.
 *
 * Status codes: 401 when no verifiable identity is presented (missing, malformed, unsigned,
 * expired or badly signed token); 403 when a genuine token was issued for another application or
 * team (wrong audience or issuer).
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { ApiError } from "./errors";

export const ACCESS_HEADER = "cf-access-jwt-assertion";

export interface AuthEnv {
  POLO_ENV?: string;
  POLO_AUTH_DEV_BYPASS?: string;
  ACCESS_TEAM_DOMAIN?: string;
  ACCESS_AUD?: string;
}

export interface Identity {
  subject: string;
  email?: string;
  /** True when the request was let in by the local-development bypass, not by a token. */
  bypass: boolean;
}

/** Remote key sets live for the isolate's lifetime: jose caches keys and refetches on unknown `kid`. */
const keySets = new Map<string, JWTVerifyGetKey>();

/** `polo`, `polo.cloudflareaccess.com` and `https://polo.cloudflareaccess.com/` all mean the same team. */
export function teamIssuer(teamDomain: string): string {
  let host = teamDomain.trim().replace(/^https?:\/\//, "").replace(/\/+$/, "");
  if (!host.includes(".")) host = `${host}.cloudflareaccess.com`;
  return `https://${host}`;
}

export function certsUrl(teamDomain: string): string {
  return `${teamIssuer(teamDomain)}/cdn-cgi/access/certs`;
}

function keySetFor(teamDomain: string): JWTVerifyGetKey {
  const url = certsUrl(teamDomain);
  let keySet = keySets.get(url);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
    keySets.set(url, keySet);
  }
  return keySet;
}

/** Only for tests: forget cached key sets so each test sees its own JWKS. */
export function clearKeySetCache(): void {
  keySets.clear();
}

export function bypassRequested(env: AuthEnv): boolean {
  return (env.POLO_AUTH_DEV_BYPASS ?? "").trim() === "1";
}

/** The only environment name the bypass is allowed in (compared case-insensitively). */
export const BYPASS_ENVIRONMENT = "development";

/** Hostnames a local `wrangler dev` is reached by; anything else is a deployed or rebound name. */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Deny by default: the bypass is honoured only in the top-level (no `--env`) configuration of
 * wrangler.toml, whose POLO_ENV is `development`, and only for a request addressed to a loopback
 * host, which is what `wrangler dev` on a laptop sees. Any other POLO_ENV -- `production`,
 * `Production`, `staging`, a typo, or none -- refuses every request (500), so a bypass that slips
 * into a deployed environment fails loudly instead of serving data; `deploy-worker` also refuses
 * to deploy such an environment (components/workerctl/deploy.py).
 */
export function assertAuthConfig(env: AuthEnv, request?: Request): void {
  if (bypassRequested(env)) {
    const environment = (env.POLO_ENV ?? "").trim().toLowerCase();
    if (environment !== BYPASS_ENVIRONMENT) {
      throw new ApiError(
        500,
        "misconfigured",
        `POLO_AUTH_DEV_BYPASS=1 is only allowed when POLO_ENV is ${BYPASS_ENVIRONMENT} (local wrangler dev); refusing to serve`,
      );
    }
    if (request && !LOOPBACK_HOSTS.has(new URL(request.url).hostname)) {
      throw new ApiError(403, "forbidden", "the development bypass only answers requests to 127.0.0.1, localhost or [::1]");
    }
    return;
  }
  if (!env.ACCESS_TEAM_DOMAIN || !env.ACCESS_AUD) {
    throw new ApiError(500, "misconfigured", "ACCESS_TEAM_DOMAIN and ACCESS_AUD must be configured");
  }
}

/** Oldest Access token accepted, by its `iat`: Access's longest default session (24 hours). */
export const MAX_TOKEN_AGE_S = 24 * 60 * 60;
/** Clock skew tolerated on `exp`, `iat` and `nbf`. */
export const CLOCK_TOLERANCE_S = 30;

export async function authenticate(request: Request, env: AuthEnv): Promise<Identity> {
  assertAuthConfig(env, request);
  if (bypassRequested(env)) return { subject: "dev-bypass", bypass: true };

  const token = request.headers.get(ACCESS_HEADER);
  if (!token) throw new ApiError(401, "unauthenticated", "missing Cf-Access-Jwt-Assertion header");

  const teamDomain = env.ACCESS_TEAM_DOMAIN as string;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keySetFor(teamDomain), {
      issuer: teamIssuer(teamDomain),
      audience: env.ACCESS_AUD as string,
      // Access signs with RS256; refusing everything else also rules out `alg: none` and HMAC
      // confusion with a public key.
      algorithms: ["RS256"],
      clockTolerance: CLOCK_TOLERANCE_S,
      // Access always sets both; a token without an expiry, or issued in the future or more than
      // MAX_TOKEN_AGE_S ago, is refused even when validly signed.
      requiredClaims: ["exp", "iat"],
      maxTokenAge: MAX_TOKEN_AGE_S,
    }));
  } catch (error) {
    throw authError(error);
  }
  // A user's token names them in `sub` (and `email`); a service token's has an empty `sub` and
  // its client id in `common_name`. A token that names nobody is refused.
  const email = nonEmpty(payload.email);
  const subject = nonEmpty(payload.sub) ?? email ?? nonEmpty(payload.common_name);
  if (!subject) throw new ApiError(401, "unauthenticated", "access token names no subject");
  return { subject, email, bypass: false };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

function authError(error: unknown): ApiError {
  if (error instanceof errors.JWTExpired) {
    const reason = error.claim === "iat" ? `is older than ${MAX_TOKEN_AGE_S} s` : "has expired";
    return new ApiError(401, "unauthenticated", `access token ${reason}`);
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "aud") return new ApiError(403, "forbidden", "access token was issued for another application");
    if (error.claim === "iss") return new ApiError(403, "forbidden", "access token was issued by another team");
    if (error.reason === "missing") return new ApiError(401, "unauthenticated", `access token has no '${error.claim}' claim`);
    if (error.claim === "iat") return new ApiError(401, "unauthenticated", "access token was issued in the future");
    return new ApiError(401, "unauthenticated", `access token claim '${error.claim}' is invalid`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new ApiError(401, "unauthenticated", "access token signature is invalid");
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new ApiError(401, "unauthenticated", "access token uses a signing algorithm that is not allowed");
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new ApiError(401, "unauthenticated", "access token was signed by an unknown key");
  }
  const keySetFault =
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    // jose raises the bare base class only for a bad JWKS HTTP response; any non-jose error is
    // the fetch itself failing. Both are server-side faults, not the caller's.
    !(error instanceof errors.JOSEError) ||
    error.constructor === errors.JOSEError;
  if (keySetFault) {
    console.error(`access signing keys could not be loaded: ${String(error)}`);
    return new ApiError(502, "auth_keys_unavailable", "Cloudflare Access signing keys could not be loaded");
  }
  return new ApiError(401, "unauthenticated", "access token is malformed");
}
