import { describe, expect, it } from "vitest";
import { completenessNote, daysWithCost } from "./completeness";

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
