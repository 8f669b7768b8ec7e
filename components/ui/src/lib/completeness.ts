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
