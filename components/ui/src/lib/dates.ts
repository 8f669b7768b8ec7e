/** UTC calendar days as "YYYY-MM-DD"; windows are [start, end) like the API's. */
export interface Window {
  start: string;
  end: string;
}

const DAY_MS = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDay(value: unknown): value is string {
  return typeof value === "string" && ISO_DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(start: string, end: string): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS);
}

function firstOfMonth(day: string, monthOffset = 0): string {
  const date = new Date(`${day}T00:00:00Z`);
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + monthOffset, 1)).toISOString().slice(0, 10);
}

export type PresetId = "7d" | "30d" | "this-month" | "last-month";

export const PRESETS: { id: PresetId; label: string }[] = [
  { id: "7d", label: "Last 7 days" },
  { id: "30d", label: "Last 30 days" },
  { id: "this-month", label: "This month" },
  { id: "last-month", label: "Last month" },
];

/**
 * Where preset windows end (exclusive): the day after the last day with cost data, so that no
 * preset reaches into days whose cost is not in yet (the API's default windows end there too).
 * Without that day (no cost loaded yet), today: the window then ends with yesterday.
 */
export function dataEndOf(lastCostDay: string | null | undefined, today: string = todayUtc()): string {
  return lastCostDay ? addDays(lastCostDay, 1) : today;
}

/** The window of a preset, ending with the last day with cost data (`dataEnd` is the day after). */
export function presetWindow(id: PresetId, dataEnd: string): Window {
  const lastDay = addDays(dataEnd, -1);
  switch (id) {
    case "7d":
      return { start: addDays(dataEnd, -7), end: dataEnd };
    case "30d":
      return { start: addDays(dataEnd, -30), end: dataEnd };
    case "this-month":
      // The month of the last cost day, up to it (on a month's last cost day, the whole month).
      return { start: firstOfMonth(lastDay), end: dataEnd };
    case "last-month":
      return { start: firstOfMonth(lastDay, -1), end: firstOfMonth(lastDay) };
  }
}

export function matchingPreset(window: Window, dataEnd: string): PresetId | null {
  for (const preset of PRESETS) {
    const candidate = presetWindow(preset.id, dataEnd);
    if (candidate.start === window.start && candidate.end === window.end) return preset.id;
  }
  return null;
}

/** The window of the same length immediately before `window`. */
export function previousWindow(window: Window): Window {
  const length = daysBetween(window.start, window.end);
  return { start: addDays(window.start, -length), end: window.start };
}

/** "1 Nov – 30 Nov 2026" for [2026-11-01, 2026-12-01): the end shown is the last day included. */
export function formatWindow(window: Window): string {
  const last = addDays(window.end, -1);
  const fmt = (day: string, year: boolean) =>
    new Date(`${day}T00:00:00Z`).toLocaleDateString("en-GB", {
      day: "numeric",
      month: "short",
      ...(year ? { year: "numeric" } : {}),
      timeZone: "UTC",
    });
  if (last === window.start) return fmt(last, true);
  return `${fmt(window.start, window.start.slice(0, 4) !== last.slice(0, 4))} – ${fmt(last, true)}`;
}

export function formatDay(day: string): string {
  return new Date(`${day.slice(0, 10)}T00:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });
}

export type DeltaPresetId = "wow" | "mom" | "mtd";

export const DELTA_PRESETS: { id: DeltaPresetId; label: string }[] = [
  { id: "wow", label: "Week over week" },
  { id: "mom", label: "Month over month" },
  { id: "mtd", label: "Month to date" },
];

export interface DeltaWindows {
  base_start: string;
  base_end: string;
  compare_start: string;
  compare_end: string;
}

/**
 * The comparisons the API answers from precomputed pairs, all ending with the last cost day
 * (`dataEnd` is the day after it):
 * - week over week: B = the last 7 days, A = the 7 before;
 * - month over month: B = the last complete calendar month, A = the month before it (raw totals,
 *   so a 31-day month against a 30-day one shows the extra day as usage, as AWS's own month
 *   comparisons do);
 * - month to date: B = the first days of the last cost day's month up to it, A = the same days
 *   of the month before (cut at that month's end: 30 March to date against all of February).
 */
export function deltaPreset(id: DeltaPresetId, dataEnd: string): DeltaWindows {
  if (id === "mom") {
    return {
      compare_end: firstOfMonth(dataEnd),
      compare_start: firstOfMonth(dataEnd, -1),
      base_end: firstOfMonth(dataEnd, -1),
      base_start: firstOfMonth(dataEnd, -2),
    };
  }
  if (id === "mtd") {
    const compareStart = firstOfMonth(addDays(dataEnd, -1));
    const baseStart = firstOfMonth(compareStart, -1);
    const days = Math.min(daysBetween(compareStart, dataEnd), daysBetween(baseStart, compareStart));
    return { compare_end: dataEnd, compare_start: compareStart, base_end: addDays(baseStart, days), base_start: baseStart };
  }
  return {
    compare_end: dataEnd,
    compare_start: addDays(dataEnd, -7),
    base_end: addDays(dataEnd, -7),
    base_start: addDays(dataEnd, -14),
  };
}

export function matchingDeltaPreset(w: DeltaWindows, dataEnd: string): DeltaPresetId | null {
  for (const { id } of DELTA_PRESETS) {
    const p = deltaPreset(id, dataEnd);
    if (p.base_start === w.base_start && p.base_end === w.base_end && p.compare_start === w.compare_start && p.compare_end === w.compare_end) return id;
  }
  return null;
}
