/** Recharts wrappers themed by CSS variables. Animations are off: the first paint is the final one. */
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis, ReferenceLine } from "recharts";
import { formatDay } from "../lib/dates";
import { axisTicks, formatMoney, formatMoneyCompact, toNumber } from "../lib/money";

function ChartTooltip({ active, payload, label, labelFormat }: { active?: boolean; payload?: { name?: string; value?: number; color?: string; payload?: Record<string, unknown>; dataKey?: string | number }[]; label?: string; labelFormat?: (label: string) => string }) {
  if (!active || !payload?.length) return null;
  return (
    <div className="rounded-md border border-border bg-card px-3 py-2 text-xs shadow-md">
      <p className="mb-1 font-medium">{labelFormat ? labelFormat(String(label)) : label}</p>
      {payload.map((item) => {
        const raw = item.payload?.[`${String(item.dataKey)}_raw`];
        return (
          <p key={String(item.dataKey)} className="flex items-center gap-2">
            <span className="inline-block size-2 rounded-full" style={{ background: item.color }} />
            <span className="text-muted">{item.name}</span>
            <span className="ml-auto tabular-nums">{formatMoney(typeof raw === "string" ? raw : String(item.value ?? 0))}</span>
          </p>
        );
      })}
    </div>
  );
}

export interface Series {
  key: string;
  label: string;
  color: string;
}

/** Daily cost as stacked areas; `rows` carry decimal strings, plotted as numbers. */
export function TrendChart({ rows, series, height = 240, label, width }: { rows: Record<string, unknown>[]; series: Series[]; height?: number; label: string; width?: number }) {
  const data = rows.map((row) => {
    const point: Record<string, unknown> = { charge_date: String(row.charge_date) };
    for (const s of series) {
      point[s.key] = toNumber(row[s.key] as string);
      point[`${s.key}_raw`] = row[s.key];
    }
    return point;
  });
  const chart = (
    <AreaChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 4 }} accessibilityLayer={false} width={width} height={width ? height : undefined}>
      <CartesianGrid vertical={false} />
      <XAxis dataKey="charge_date" tickFormatter={formatDay} tickLine={false} axisLine={false} minTickGap={24} />
      <YAxis tickFormatter={(value: number) => formatMoneyCompact(value)} tickLine={false} axisLine={false} width={56} />
      <Tooltip content={<ChartTooltip labelFormat={formatDay} />} />
      {series.map((s) => (
        <Area key={s.key} type="monotone" dataKey={s.key} name={s.label} stackId="1" stroke={s.color} fill={s.color} fillOpacity={0.25} strokeWidth={2} isAnimationActive={false} />
      ))}
    </AreaChart>
  );
  return (
    <figure aria-label={label} className="m-0" data-testid="trend-chart">
      {width ? chart : <ResponsiveContainer width="100%" height={height}>{chart}</ResponsiveContainer>}
      <figcaption className="sr-only">{label}</figcaption>
    </figure>
  );
}

export interface WaterfallStep {
  label: string;
  /** Decimal string: the step's amount (a total for the first and last bars). */
  value: string;
  total?: boolean;
}

/** Total A → each component → total B: floating bars from a running sum (display floats only). */
export function Waterfall({ steps, height = 260, width }: { steps: WaterfallStep[]; height?: number; width?: number }) {
  let running = 0;
  const data = steps.map((step) => {
    const amount = toNumber(step.value);
    if (step.total) {
      running = amount;
      return { label: step.label, base: 0, size: amount, value_raw: step.value, kind: "total" };
    }
    const start = running;
    running += amount;
    return {
      label: step.label,
      base: Math.min(start, running),
      size: Math.abs(amount),
      value_raw: step.value,
      kind: amount >= 0 ? "up" : "down",
    };
  });
  // Components are small next to the totals: start the axis below the lowest running total (the
  // totals' bars are cut there, as in any waterfall with a broken axis) so every step is visible.
  const levels = data.flatMap((point) => (point.kind === "total" ? [point.size] : [point.base, point.base + point.size]));
  const low = Math.min(...levels);
  const high = Math.max(...levels);
  const span = Math.max(high - low, Math.abs(high) * 0.02, 1);
  const magnitude = 10 ** Math.floor(Math.log10(span));
  const floor = low > 0 ? Math.max(0, Math.floor((low - span * 0.6) / magnitude) * magnitude) : Math.floor(low / magnitude) * magnitude;
  const ceiling = Math.ceil((high + span * 0.15) / magnitude) * magnitude;
  // Ticks of our own, so their labels carry the decimals their step needs (Recharts' own ticks on
  // a cut axis came out as $25.5k and $26.5k, both labelled "$26k").
  const axis = axisTicks(floor, ceiling);
  const colors: Record<string, string> = { total: "var(--accent)", up: "var(--positive)", down: "var(--negative)" };
  const chart = (
    <BarChart data={data} margin={{ top: 16, right: 12, bottom: 0, left: 4 }} accessibilityLayer={false} width={width} height={width ? height : undefined}>
      <CartesianGrid vertical={false} />
      {/* A tick width wraps two-word labels ("Transferred out") onto two lines instead of into their neighbours. */}
      <XAxis dataKey="label" tickLine={false} axisLine={false} interval={0} tick={{ fontSize: 11, width: 64 }} height={36} />
      <YAxis ticks={axis.ticks} tickFormatter={(value: number) => formatMoneyCompact(value, axis.step)} tickLine={false} axisLine={false} width={64} domain={[floor, ceiling]} allowDataOverflow />
      {floor <= 0 ? <ReferenceLine y={0} stroke="var(--chart-axis)" /> : null}
      <Tooltip
        cursor={{ fill: "var(--subtle)" }}
        content={({ active, payload, label }) =>
          active && payload?.length ? (
            <div className="rounded-md border border-border bg-card px-3 py-2 text-xs shadow-md">
              <p className="font-medium">{String(label)}</p>
              <p className="tabular-nums">{formatMoney(String((payload[0].payload as { value_raw: string }).value_raw), { signed: (payload[0].payload as { kind: string }).kind !== "total" })}</p>
            </div>
          ) : null
        }
      />
      <Bar dataKey="base" stackId="w" fill="transparent" isAnimationActive={false} />
      <Bar dataKey="size" stackId="w" isAnimationActive={false} radius={[3, 3, 0, 0]}>
        {data.map((point) => (
          <Cell key={point.label} fill={colors[point.kind]} />
        ))}
      </Bar>
    </BarChart>
  );
  const description = steps.map((s) => `${s.label} ${formatMoney(s.value, { signed: !s.total })}`).join(", ");
  return (
    <figure className="m-0" aria-label={`Waterfall: ${description}`} data-testid="waterfall">
      {width ? chart : <ResponsiveContainer width="100%" height={height}>{chart}</ResponsiveContainer>}
      <figcaption className="sr-only">{description}</figcaption>
    </figure>
  );
}
