/**
 * One colour per customer, the same on every page and chart: a stable hash of the name picks from
 * a palette readable on both themes. `unattributed` is always grey.
 */
const PALETTE = [
  "#2563eb", // blue
  "#d97706", // amber
  "#059669", // emerald
  "#dc2626", // red
  "#7c3aed", // violet
  "#0d9488", // teal
  "#db2777", // pink
  "#65a30d", // lime
  "#ea580c", // orange
  "#0891b2", // cyan
  "#4f46e5", // indigo
  "#a16207", // ochre
];
export const UNATTRIBUTED_COLOR = "#94a3b8";

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export function customerColor(customer: string): string {
  const name = customer.replace(/^customer:/, "");
  if (name === "" || name === "unattributed") return UNATTRIBUTED_COLOR;
  return PALETTE[hash(name) % PALETTE.length];
}
