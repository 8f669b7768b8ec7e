import { describe, expect, it } from "vitest";
import { completenessNote, daysWithCost, deltaCompletenessNote, type DeltaCompleteness } from "./completeness";

const day = (charge_date: string, cost: string) => ({ charge_date, billed_cost: cost, effective_cost: cost });

describe("window completeness", () => {
  it("counts the days with any cost", () => {
    expect(daysWithCost([day("2026-11-01", "0.000000"), day("2026-11-02", "1.5"), day("2026-11-03", "-0.01")])).toBe(2);
    expect(daysWithCost(undefined)).toBeUndefined();
  });

  it("says how many days have data only when some are missing", () => {
    const window = { start: "2026-10-07", end: "2026-11-06" };
    expect(completenessNote(5, window)).toBe(" · cost data on 5 of 30 days");
    expect(completenessNote(30, window)).toBe("");
    expect(completenessNote(undefined, window)).toBe("");
  });
});

describe("delta completeness (the API's windows block)", () => {
  const window = (start: string, end: string, days_with_cost: number, provisional_days = 0) => ({
    start,
    end,
    days: 7,
    days_with_cost,
    provisional_days,
    days_after_last_cost_day: 7 - days_with_cost,
    complete: days_with_cost === 7,
  });
  const windows = (compareDays: number, provisional: number): DeltaCompleteness => ({
    last_cost_day: "2026-12-01",
    base: window("2026-11-21", "2026-11-28", 7),
    compare: window("2026-11-28", "2026-12-05", compareDays, provisional),
    complete: compareDays === 7,
    note: null,
  });

  it("names the window with missing days and the provisional days", () => {
    expect(deltaCompletenessNote(windows(4, 2))).toBe("compare window has cost data on 4 of 7 days · 2 provisional days");
    expect(deltaCompletenessNote(windows(7, 1))).toBe("1 provisional day");
    expect(deltaCompletenessNote(windows(7, 0))).toBe("");
    expect(deltaCompletenessNote(undefined)).toBe("");
  });
});
