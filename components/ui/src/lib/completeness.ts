/** How complete a window's cost data is: a comparison with a window that has cost on fewer days
 * (the start of the data, a collector that stopped) is not like for like, so the dashboard says so. */
import type { TrendDay } from "./api";
import { daysBetween, type Window } from "./dates";
import { isZero } from "./money";

/** Days of a daily trend with any cost; undefined while the trend is loading. */
export function daysWithCost(rows: TrendDay[] | undefined): number | undefined {
  return rows?.filter((row) => !isZero(row.effective_cost) || !isZero(row.billed_cost)).length;
}

/** " · cost data on N of M days" when a window has days without cost, else "". */
export function completenessNote(days: number | undefined, window: Window): string {
  const total = daysBetween(window.start, window.end);
  return days === undefined || days >= total ? "" : ` · cost data on ${days} of ${total} days`;
}

/** One window of a delta answer's `windows` block (the API's src/completeness.ts). */
export interface WindowCompleteness {
  start: string;
  end: string;
  days: number;
  days_with_cost: number;
  provisional_days: number;
  days_after_last_cost_day: number;
  complete: boolean;
}

/** The `windows` block every delta answer carries. */
export interface DeltaCompleteness {
  last_cost_day: string | null;
  base: WindowCompleteness;
  compare: WindowCompleteness;
  complete: boolean;
  note: string | null;
}

/** What to show beside a delta: "" when both windows hold cost on every day, else which do not
 * (a missing day is not a drop), and the provisional days that may still be revised. */
export function deltaCompletenessNote(windows: DeltaCompleteness | undefined): string {
  if (!windows) return "";
  const parts: string[] = [];
  for (const [label, w] of [["base", windows.base], ["compare", windows.compare]] as const) {
    if (!w.complete) parts.push(`${label} window has cost data on ${w.days_with_cost} of ${w.days} days`);
  }
  const provisional = windows.base.provisional_days + windows.compare.provisional_days;
  if (provisional > 0) parts.push(`${provisional} provisional ${provisional === 1 ? "day" : "days"}`);
  return parts.join(" · ");
}
