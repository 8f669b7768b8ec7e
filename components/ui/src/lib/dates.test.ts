import { addDays, daysBetween, dataEndOf, deltaPreset, formatWindow, isIsoDay, matchingPreset, presetWindow, previousWindow } from "./dates";

// The day after the last day with cost data (2026-12-05).
const today = "2026-12-06";

describe("windows are [start, end) in UTC days", () => {
  it("presets end with the last day with cost data, else with yesterday", () => {
    expect(dataEndOf("2026-12-01", today)).toBe("2026-12-02");
    expect(dataEndOf(null, today)).toBe(today);
    expect(presetWindow("7d", dataEndOf("2026-12-01", today))).toEqual({ start: "2026-11-25", end: "2026-12-02" });
    expect(presetWindow("7d", today)).toEqual({ start: "2026-11-29", end: "2026-12-06" });
    expect(presetWindow("30d", today)).toEqual({ start: "2026-11-06", end: "2026-12-06" });
    expect(presetWindow("this-month", today)).toEqual({ start: "2026-12-01", end: "2026-12-06" });
    expect(presetWindow("last-month", today)).toEqual({ start: "2026-11-01", end: "2026-12-01" });
  });

  it("this month is the month of the last cost day: never a day without data, never empty", () => {
    expect(presetWindow("this-month", "2026-03-01")).toEqual({ start: "2026-02-01", end: "2026-03-01" });
    expect(presetWindow("this-month", "2026-03-02")).toEqual({ start: "2026-03-01", end: "2026-03-02" });
    expect(presetWindow("last-month", "2026-03-01")).toEqual({ start: "2026-01-01", end: "2026-02-01" });
  });

  it("last month in January is December of the year before", () => {
    expect(presetWindow("last-month", "2027-01-15")).toEqual({ start: "2026-12-01", end: "2027-01-01" });
  });

  it("recognises a window that is a preset", () => {
    expect(matchingPreset({ start: "2026-11-29", end: "2026-12-06" }, today)).toBe("7d");
    expect(matchingPreset({ start: "2026-11-28", end: "2026-12-06" }, today)).toBeNull();
  });

  it("the previous window has the same length and ends where the window starts", () => {
    expect(previousWindow({ start: "2026-11-06", end: "2026-12-06" })).toEqual({ start: "2026-10-07", end: "2026-11-06" });
    expect(daysBetween("2026-10-07", "2026-11-06")).toBe(30);
  });

  it("delta presets: the last two weeks, and the last two calendar months", () => {
    const wow = deltaPreset("wow", today);
    expect(wow).toEqual({ base_start: "2026-11-22", base_end: "2026-11-29", compare_start: "2026-11-29", compare_end: "2026-12-06" });
    expect(deltaPreset("mom", today)).toEqual({
      base_start: "2026-10-01",
      base_end: "2026-11-01",
      compare_start: "2026-11-01",
      compare_end: "2026-12-01",
    });
    expect(deltaPreset("mom", "2026-03-31")).toEqual({
      base_start: "2026-01-01",
      base_end: "2026-02-01",
      compare_start: "2026-02-01",
      compare_end: "2026-03-01",
    });
  });

  it("month to date: the same days of the month before, cut at that month's end", () => {
    expect(deltaPreset("mtd", today)).toEqual({
      base_start: "2026-11-01",
      base_end: "2026-11-06",
      compare_start: "2026-12-01",
      compare_end: "2026-12-06",
    });
    expect(deltaPreset("mtd", "2026-03-31")).toEqual({
      base_start: "2026-02-01",
      base_end: "2026-03-01",
      compare_start: "2026-03-01",
      compare_end: "2026-03-31",
    });
    // The last cost day is the 1st: one day against one day.
    expect(deltaPreset("mtd", "2026-03-02")).toMatchObject({ base_end: "2026-02-02", compare_start: "2026-03-01" });
  });

  it("shows the last included day", () => {
    expect(formatWindow({ start: "2026-11-01", end: "2026-12-01" })).toBe("1 Nov – 30 Nov 2026");
    expect(formatWindow({ start: "2026-11-05", end: "2026-11-06" })).toBe("5 Nov 2026");
    expect(formatWindow({ start: "2025-12-20", end: "2026-01-03" })).toBe("20 Dec 2025 – 2 Jan 2026");
  });

  it("validates ISO days", () => {
    expect(isIsoDay("2026-02-28")).toBe(true);
    expect(isIsoDay("2026-2-28")).toBe(false);
    expect(isIsoDay(20260228)).toBe(false);
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
  });
});
