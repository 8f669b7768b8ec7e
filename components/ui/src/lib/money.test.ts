import { axisTicks, changePct, compareDecimals, formatMoney, formatPct, fromMicros, subtractDecimals, sumDecimals, formatMoneyCompact, toMicros } from "./money";

describe("decimal strings are exact", () => {
  it("parses to micro-units and back", () => {
    expect(toMicros("1234.567891")).toBe(1234567891n);
    expect(toMicros("-0.5")).toBe(-500000n);
    expect(toMicros("12")).toBe(12000000n);
    expect(fromMicros(12500000n)).toBe("12.5");
    expect(fromMicros(-3000000n)).toBe("-3");
    expect(fromMicros(0n)).toBe("0");
  });

  it("sums without floating-point drift", () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumDecimals(["0.1", "0.2"])).toBe("0.3");
    expect(sumDecimals(Array.from({ length: 1000 }, () => "0.000001"))).toBe("0.001");
    expect(subtractDecimals("22329.571702", "3634.921702")).toBe("18694.65");
  });

  it("rejects what is not a decimal", () => {
    expect(() => toMicros("1e5")).toThrow(/not a decimal/);
    expect(() => toMicros("abc")).toThrow();
  });

  it("rounds more than six decimals half away from zero", () => {
    expect(toMicros("0.0000005")).toBe(1n);
    expect(toMicros("0.0000004")).toBe(0n);
  });
});

describe("formatMoney", () => {
  it("groups thousands and rounds half up to cents from the string", () => {
    expect(formatMoney("22329.571702")).toBe("$22,329.57");
    expect(formatMoney("0.005")).toBe("$0.01");
    expect(formatMoney("0.004999")).toBe("$0.00");
    expect(formatMoney("1234567.995")).toBe("$1,234,568.00");
  });

  it("signs negative amounts and, for deltas, positive ones", () => {
    expect(formatMoney("-32.256")).toBe("−$32.26");
    expect(formatMoney("111.389887", { signed: true })).toBe("+$111.39");
    expect(formatMoney("0", { signed: true })).toBe("$0.00");
    expect(formatMoney("-0.001", { signed: true })).toBe("$0.00");
  });

  it("formats percentages and changes", () => {
    expect(formatPct("81.543273")).toBe("81.5%");
    expect(formatPct("-2.25", { signed: true })).toBe("−2.3%");
    expect(changePct("100", "125")).toBe("25");
    expect(changePct("0", "5")).toBeNull();
  });

  it("compares decimals exactly", () => {
    expect(compareDecimals("0.000002", "0.000001")).toBe(1);
    expect(compareDecimals("10", "9.999999")).toBe(1);
    expect(compareDecimals("-1", "1")).toBe(-1);
    expect(compareDecimals("5.0", "5")).toBe(0);
  });
});

describe("chart axes", () => {
  it("labels every tick of a cut axis differently", () => {
    const { ticks, step } = axisTicks(25_000, 27_000);
    expect(ticks.map((tick) => formatMoneyCompact(tick, step))).toEqual(["$25.0k", "$25.5k", "$26.0k", "$26.5k", "$27.0k"]);
  });

  it("steps are round and cover the range", () => {
    expect(axisTicks(0, 1000)).toEqual({ ticks: [0, 250, 500, 750, 1000], step: 250 });
    expect(axisTicks(5400, 6300).step).toBe(250);
    expect(axisTicks(5400, 6300).ticks).toEqual([5500, 5750, 6000, 6250]);
  });

  it("keeps the compact form without a step", () => {
    expect(formatMoneyCompact(1234)).toBe("$1.2k");
    expect(formatMoneyCompact(15_000)).toBe("$15k");
    expect(formatMoneyCompact(2_400_000)).toBe("$2.4M");
    expect(formatMoneyCompact(-750)).toBe("−$750");
    expect(formatMoneyCompact(5750, 250)).toBe("$5.75k");
  });
});

