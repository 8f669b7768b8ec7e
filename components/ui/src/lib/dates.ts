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

/** The window of a preset, ending with yesterday (today has no complete cost data yet). */
export function presetWindow(id: PresetId, today: string = todayUtc()): Window {
  switch (id) {
    case "7d":
      return { start: addDays(today, -7), end: today };
    case "30d":
      return { start: addDays(today, -30), end: today };
    case "this-month": {
      const start = firstOfMonth(today);
      // On the 1st the month has no complete day yet: show the 1st itself.
      return { start, end: start === today ? addDays(today, 1) : today };
    }
    case "last-month":
      return { start: firstOfMonth(today, -1), end: firstOfMonth(today) };
  }
}

export function matchingPreset(window: Window, today: string = todayUtc()): PresetId | null {
  for (const preset of PRESETS) {
    const candidate = presetWindow(preset.id, today);
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

export type DeltaPresetId = "wow" | "mom";

export interface DeltaWindows {
  base_start: string;
  base_end: string;
  compare_start: string;
  compare_end: string;
}

/** Week over week: B = the last 7 days, A = the 7 before. Month over month: B = last calendar
 * month, A = the month before it (raw totals, so a 31-day month against a 30-day one shows the
 * extra day as usage, as AWS's own month comparisons do). */
export function deltaPreset(id: DeltaPresetId, today: string = todayUtc()): DeltaWindows {
  if (id === "mom") {
    return {
      compare_end: firstOfMonth(today),
      compare_start: firstOfMonth(today, -1),
      base_end: firstOfMonth(today, -1),
      base_start: firstOfMonth(today, -2),
    };
  }
  return {
    compare_end: today,
    compare_start: addDays(today, -7),
    base_end: addDays(today, -7),
    base_start: addDays(today, -14),
  };
}
