import type { DeltaParts } from "./lib/api";

/** A decomposition with every amount zero: tests spread it and set the amounts they are about. */
export const ZERO_PARTS: DeltaParts = {
  total_a: "0",
  total_b: "0",
  delta: "0",
  created: "0",
  removed: "0",
  usage_effect: "0",
  rate_effect: "0",
  transferred_in: "0",
  transferred_out: "0",
  commitment: "0",
  credit: "0",
  adjustment: "0",
  tax: "0",
  purchase: "0",
};
