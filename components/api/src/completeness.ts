/**
 * How complete each window of a delta is (issue 15): the days that hold cost data and the days
 * whose cost is still provisional. A window reaching past the last day with cost data holds
 * fewer days than it spans, so its lower total is missing data, not a drop: the answer says so
 * (`windows.compare.complete = false` and a note) instead of leaving the reader to guess.
 * The same shape as `attribution.completeness` in Python.
 */
import { addDays, daysBetween, type Resolved } from "./params";

export interface WindowCompleteness {
  start: string;
  end: string;
  /** Days the window spans. */
  days: number;
  /** Days of the window with attributed cost. */
  days_with_cost: number;
  /** Days of the window whose cost Cost Explorer may still revise. */
  provisional_days: number;
  /** Days of the window after the last day with cost data anywhere. */
  days_after_last_cost_day: number;
  /** Every day of the window holds cost data. */
  complete: boolean;
}

export interface DeltaWindows {
  /** The last day with cost data anywhere (null when there is none). */
  last_cost_day: string | null;
  base: WindowCompleteness;
  compare: WindowCompleteness;
  /** Both windows hold cost data on every day: the delta compares like with like. */
  complete: boolean;
  /** Why the delta is not like for like, when it is not. */
  note: string | null;
}

function window(
  name: string,
  start: string,
  end: string,
  row: Record<string, unknown>,
  lastCostDay: string | null,
): WindowCompleteness {
  const days = daysBetween(start, end);
  const withCost = Number(row[`${name}_days_with_cost`] ?? 0);
  const after = lastCostDay === null ? days : Math.min(days, Math.max(0, daysBetween(addDays(lastCostDay, 1), end)));
  return {
    start,
    end,
    days,
    days_with_cost: withCost,
    provisional_days: Number(row[`${name}_provisional_days`] ?? 0),
    days_after_last_cost_day: after,
    complete: withCost >= days,
  };
}

function describe(label: string, w: WindowCompleteness, lastCostDay: string | null): string {
  const reach = w.days_after_last_cost_day > 0 ? ` (${w.days_after_last_cost_day} after the last cost day, ${lastCostDay ?? "none"})` : "";
  return `${label} window ${w.start}..${w.end} has cost data on ${w.days_with_cost} of ${w.days} days${reach}`;
}

/** The `windows` block of a delta answer, from the bound windows and the window_completeness row. */
export function deltaWindows(params: Resolved, row: Record<string, unknown>): DeltaWindows {
  const lastCostDay = row.last_cost_day === null || row.last_cost_day === undefined ? null : String(row.last_cost_day);
  const base = window("base", String(params.base_start), String(params.base_end), row, lastCostDay);
  const compare = window("compare", String(params.compare_start), String(params.compare_end), row, lastCostDay);
  const gaps = [
    ...(base.complete ? [] : [describe("base", base, lastCostDay)]),
    ...(compare.complete ? [] : [describe("compare", compare, lastCostDay)]),
  ];
  return {
    last_cost_day: lastCostDay,
    base,
    compare,
    complete: gaps.length === 0,
    note: gaps.length === 0 ? null : `${gaps.join("; ")}: the delta is partly missing data, not only a change in cost`,
  };
}

/** Where default windows end (exclusive): the day after the last day with cost data, else today. */
export function dataEnd(lastCostDay: string | null, today: string): string {
  return lastCostDay === null ? today : addDays(lastCostDay, 1);
}
