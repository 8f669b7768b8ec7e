/**
 * Money arrives from the API as decimal strings ("1234.567891", Decimal(38, 6)). It is parsed into
 * a BigInt of micro-units, so sums, differences and rounding are exact: no float ever touches a
 * displayed amount. Charts get `toNumber` (a float is fine for a pixel).
 */
const SCALE = 6;
const UNIT = 10n ** BigInt(SCALE);

/** Parses a decimal string into micro-units; more than 6 decimals are rounded half away from zero. */
export function toMicros(value: string | number | null | undefined): bigint {
  if (value === null || value === undefined || value === "") return 0n;
  const text = String(value).trim();
  const match = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === "" && (match[3] ?? "") === "")) throw new Error(`not a decimal: '${text}'`);
  const negative = match[1] === "-";
  const whole = BigInt(match[2] || "0");
  const fraction = match[3] ?? "";
  let micros = whole * UNIT + BigInt((fraction.slice(0, SCALE) || "0").padEnd(SCALE, "0"));
  if (fraction.length > SCALE && fraction[SCALE] >= "5") micros += 1n;
  return negative ? -micros : micros;
}

/** Micro-units back to a plain decimal string with trailing zeros dropped ("12.5", "-3", "0"). */
export function fromMicros(micros: bigint): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const whole = abs / UNIT;
  const fraction = (abs % UNIT).toString().padStart(SCALE, "0").replace(/0+$/, "");
  const text = fraction ? `${whole}.${fraction}` : `${whole}`;
  return negative && abs !== 0n ? `-${text}` : text;
}

export function sumDecimals(values: Iterable<string | number | null | undefined>): string {
  let total = 0n;
  for (const value of values) total += toMicros(value);
  return fromMicros(total);
}

export function subtractDecimals(a: string, b: string): string {
  return fromMicros(toMicros(a) - toMicros(b));
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Rounds micro-units to `digits` decimals, half away from zero. */
function roundMicros(micros: bigint, digits: number): bigint {
  const step = 10n ** BigInt(SCALE - digits);
  const abs = micros < 0n ? -micros : micros;
  const rounded = ((abs + step / 2n) / step) * step;
  return micros < 0n ? -rounded : rounded;
}

export interface MoneyOptions {
  /** Decimals shown (default 2). */
  digits?: number;
  /** Prefix positive amounts with "+" (for deltas). */
  signed?: boolean;
  /** Currency symbol (default "$"). */
  symbol?: string;
}

/** "$1,234.57", "−$12.00", "+$3.10" (signed): exact rounding from the decimal string. */
export function formatMoney(value: string | number | null | undefined, options: MoneyOptions = {}): string {
  const { digits = 2, signed = false, symbol = "$" } = options;
  const micros = roundMicros(toMicros(value), digits);
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const unit = 10n ** BigInt(SCALE);
  const whole = groupThousands((abs / unit).toString());
  const fraction = digits > 0 ? "." + (abs % unit).toString().padStart(SCALE, "0").slice(0, digits) : "";
  const sign = negative ? "−" : signed && abs !== 0n ? "+" : "";
  return `${sign}${symbol}${whole}${fraction}`;
}

/**
 * Compact money for chart axes: "$1.2k", "$15k", "$2.4M" (display only). With the axis's tick
 * `step`, as many decimals as the step needs, so no two ticks read alike ("$25.5k", "$26.0k").
 */
export function formatMoneyCompact(value: number, step?: number): string {
  const abs = Math.abs(value);
  const sign = value < 0 ? "−" : "";
  const [unit, suffix] = abs >= 1e6 ? [1e6, "M"] : abs >= 1e3 ? [1e3, "k"] : [1, ""];
  const digits = step === undefined ? (unit > 1 && abs < unit * 10 ? 1 : 0) : decimalsOf(step / unit);
  return `${sign}$${(abs / unit).toFixed(digits)}${suffix}`;
}

/** The decimals (at most 3) that show `x` exactly: 0.25 → 2, 0.5 → 1, 5 → 0. */
function decimalsOf(x: number): number {
  for (let digits = 0; digits < 3; digits++) {
    const scaled = x * 10 ** digits;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6) return digits;
  }
  return 3;
}

/** About `count` axis ticks over [low, high], a round step apart (1, 2, 2.5 or 5 × 10^k). */
export function axisTicks(low: number, high: number, count = 5): { ticks: number[]; step: number } {
  const raw = Math.max(high - low, 1e-9) / Math.max(1, count - 1);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= raw * (1 - 1e-9)) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let tick = Math.ceil(low / step) * step; tick <= high + step * 1e-9; tick += step) ticks.push(Number(tick.toFixed(9)));
  return { ticks, step };
}

/** A percentage string from the API ("81.543273") or a ratio, shown with one decimal. */
export function formatPct(value: string | number | null | undefined, options: { signed?: boolean } = {}): string {
  if (value === null || value === undefined || value === "") return "—";
  const micros = roundMicros(toMicros(value), 1);
  const text = formatMoney(fromMicros(micros), { digits: 1, symbol: "", signed: options.signed });
  return `${text}%`;
}

/** (b − a) / a as a percentage string, exact to 0.1 %; null when a is zero. */
export function changePct(a: string, b: string): string | null {
  const base = toMicros(a);
  if (base === 0n) return null;
  // percent with 6 decimals: (b - a) * 100 * 10^6 / a, in micro-units
  const ratio = ((toMicros(b) - base) * 100n * UNIT) / base;
  return fromMicros(ratio);
}

export function toNumber(value: string | number | null | undefined): number {
  if (value === null || value === undefined || value === "") return 0;
  return Number(value);
}

export function compareDecimals(a: string | null | undefined, b: string | null | undefined): number {
  const diff = toMicros(a) - toMicros(b);
  return diff < 0n ? -1 : diff > 0n ? 1 : 0;
}

export function isZero(value: string | null | undefined): boolean {
  return toMicros(value) === 0n;
}

export function formatCount(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  return groupThousands(String(value));
}
