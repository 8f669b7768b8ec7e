/**
 * Parameter kinds accepted in query strings, and their validation.
 *
 * Every value that reaches ClickHouse has passed through one of these parsers, so ClickHouse only
 * ever sees a well-formed value of the type its `{name:Type}` placeholder declares, and callers get
 * a 400 that names the parameter instead of a ClickHouse parse error.
 */
import { badRequest } from "./errors";

/** ClickHouse `Date` covers 1970-01-01 .. 2149-06-06. */
const MIN_DATE = "1970-01-01";
const MAX_DATE = "2149-06-06";
const DAY_MS = 86_400_000;

/** Longest window any endpoint accepts, in days (a leap year). */
export const MAX_WINDOW_DAYS = 366;
/** Largest page any JSON endpoint returns. */
export const MAX_PAGE_SIZE = 1000;
/** Longest free-text filter accepted. */
export const MAX_TEXT_LENGTH = 256;
/**
 * C0 and C1 control characters and DEL: no customer, tag, node or AWS id contains one, so a text
 * parameter carrying one is refused (400) before it is bound. The encoding in clickhouse.ts would
 * carry them intact anyway; this keeps log lines and CSV output free of them.
 */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** Values resolved so far, so one default can depend on another (e.g. start = end - 30 days). */
export type Resolved = Record<string, string | number>;
export type DefaultFn<T> = (resolved: Resolved, today: string) => T;

interface BaseSpec {
  description: string;
}

export interface DateSpec extends BaseSpec {
  kind: "date";
  chType: "Date";
  default: DefaultFn<string>;
}

export interface TextSpec extends BaseSpec {
  kind: "text";
  chType: "String";
  /** '' means "any" for filters, per the named-query contract. */
  default: string;
  maxLength: number;
  /** A required text parameter must be present and non-empty. */
  required: boolean;
  /** Optional shape check, e.g. a 12-digit AWS account id. */
  pattern?: RegExp;
  patternDescription?: string;
}

export interface EnumSpec extends BaseSpec {
  kind: "enum";
  chType: "String" | "Identifier";
  values: readonly string[];
  default: string;
}

export interface UIntSpec extends BaseSpec {
  kind: "uint";
  chType: "UInt32";
  min: number;
  max: number;
  default: number;
}

export type ParamSpec = DateSpec | TextSpec | EnumSpec | UIntSpec;

export function dateParam(description: string, defaultFn: DefaultFn<string>): DateSpec {
  return { kind: "date", chType: "Date", description, default: defaultFn };
}

export function textParam(
  description: string,
  options: { pattern?: RegExp; patternDescription?: string; maxLength?: number; required?: boolean } = {},
): TextSpec {
  return {
    kind: "text",
    chType: "String",
    description,
    default: "",
    maxLength: options.maxLength ?? MAX_TEXT_LENGTH,
    required: options.required ?? false,
    pattern: options.pattern,
    patternDescription: options.patternDescription,
  };
}

export function enumParam(
  description: string,
  values: readonly string[],
  defaultValue: string,
  chType: "String" | "Identifier" = "String",
): EnumSpec {
  return { kind: "enum", chType, description, values, default: defaultValue };
}

export function uintParam(description: string, min: number, max: number, defaultValue: number): UIntSpec {
  return { kind: "uint", chType: "UInt32", description, min, max, default: defaultValue };
}

/** Strict `YYYY-MM-DD` that names a real calendar day ClickHouse can store. */
export function parseDate(name: string, raw: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    throw badRequest(`parameter '${name}' must be a date as YYYY-MM-DD, got '${truncate(raw)}'`);
  }
  const [year, month, day] = raw.split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw badRequest(`parameter '${name}' is not a calendar date: '${raw}'`);
  }
  if (raw < MIN_DATE || raw > MAX_DATE) {
    throw badRequest(`parameter '${name}' must be between ${MIN_DATE} and ${MAX_DATE}, got '${raw}'`);
  }
  return raw;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(start: string, end: string): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS);
}

export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Parses one raw query-string value (or the default when absent) according to its spec. */
export function parseParam(name: string, spec: ParamSpec, raw: string | null, resolved: Resolved, today: string): string | number {
  if (spec.kind === "text" && spec.required && !raw) {
    throw badRequest(`parameter '${name}' is required`);
  }
  if (raw === null) {
    return spec.kind === "date" ? spec.default(resolved, today) : spec.default;
  }
  switch (spec.kind) {
    case "date":
      return parseDate(name, raw);
    case "text":
      if (raw.length > spec.maxLength) {
        throw badRequest(`parameter '${name}' is longer than ${spec.maxLength} characters`);
      }
      if (CONTROL_CHARACTERS.test(raw)) {
        throw badRequest(`parameter '${name}' must not contain control characters (tab, line breaks, ...)`);
      }
      if (raw !== "" && spec.pattern && !spec.pattern.test(raw)) {
        throw badRequest(`parameter '${name}' must be ${spec.patternDescription ?? `of the form ${spec.pattern}`}`);
      }
      return raw;
    case "enum":
      if (!spec.values.includes(raw)) {
        throw badRequest(`parameter '${name}' must be one of ${spec.values.join(", ")}; got '${truncate(raw)}'`);
      }
      return raw;
    case "uint": {
      if (!/^\d{1,10}$/.test(raw)) {
        throw badRequest(`parameter '${name}' must be a whole number, got '${truncate(raw)}'`);
      }
      const value = Number(raw);
      if (value < spec.min || value > spec.max) {
        throw badRequest(`parameter '${name}' must be between ${spec.min} and ${spec.max}, got ${value}`);
      }
      return value;
    }
  }
}

/** `[start, end)` must be non-empty, ordered and at most MAX_WINDOW_DAYS long. */
export function checkWindow(startName: string, endName: string, start: string, end: string): void {
  if (start >= end) {
    throw badRequest(
      `'${startName}' (${start}) must be before '${endName}' (${end}); windows are [start, end) with end exclusive`,
    );
  }
  const days = daysBetween(start, end);
  if (days > MAX_WINDOW_DAYS) {
    throw badRequest(`window '${startName}'..'${endName}' spans ${days} days; the maximum is ${MAX_WINDOW_DAYS}`);
  }
}

function truncate(raw: string): string {
  return raw.length > 40 ? `${raw.slice(0, 40)}...` : raw;
}
