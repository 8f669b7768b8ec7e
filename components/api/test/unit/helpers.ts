/** Shared helpers for unit tests: an env per test and a request through the real Worker entry. */
import { env as baseEnv } from "cloudflare:test";
import { expect } from "vitest";
import type { Env } from "../../src/env";
import { handleRequest } from "../../src/index";

export const CLICKHOUSE_ORIGIN = "http://clickhouse.test:8123";

/** The test bindings from vitest.config.ts, with the dev bypass on unless overridden. */
export function testEnv(overrides: Partial<Env> = {}): Env {
  return { ...(baseEnv as Env), POLO_AUTH_DEV_BYPASS: "1", ...overrides };
}

/** Where `wrangler dev` is reached: the dev bypass answers loopback hosts only. */
export const LOCAL_ORIGIN = "http://127.0.0.1:8787";

export async function call(path: string, env: Env = testEnv(), init: RequestInit = {}, origin = LOCAL_ORIGIN): Promise<Response> {
  return handleRequest(new Request(`${origin}${path}`, init), env);
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export async function errorOf(response: Response): Promise<ErrorBody["error"]> {
  const body = (await response.json()) as ErrorBody;
  expect(Object.keys(body)).toEqual(["error"]);
  return body.error;
}
