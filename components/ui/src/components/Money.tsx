import { formatMoney, formatPct, toMicros } from "../lib/money";
import { cn } from "../lib/cn";

/** An amount from a decimal string, right-aligned digits; `delta` colours rises and falls. */
export function Money({ value, delta = false, className, digits }: { value: string | null | undefined; delta?: boolean; className?: string; digits?: number }) {
  const micros = toMicros(value);
  return (
    <span
      className={cn("tabular-nums", delta && micros > 0n && "text-up", delta && micros < 0n && "text-down", className)}
      title={value ?? undefined}
    >
      {formatMoney(value, { signed: delta, digits })}
    </span>
  );
}

export function Pct({ value, delta = false, className }: { value: string | null | undefined; delta?: boolean; className?: string }) {
  const micros = toMicros(value ?? "0");
  return (
    <span className={cn("tabular-nums", delta && micros > 0n && "text-up", delta && micros < 0n && "text-down", className)}>
      {value === null || value === undefined ? "—" : formatPct(value, { signed: delta })}
    </span>
  );
}
