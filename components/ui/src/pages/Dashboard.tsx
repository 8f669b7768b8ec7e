import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { ArrowDownRight, ArrowUpRight, Clock, PieChart, ShieldQuestion, Wallet } from "lucide-react";
import { lazy, Suspense, type ReactNode } from "react";
import { PageHeader } from "../components/Layout";
import { Money, Pct } from "../components/Money";
import { QueryState } from "../components/QueryState";
import { Card, CardHeader, EmptyState, ErrorState, Skeleton } from "../components/ui";
import { DataEndGate } from "../components/DataEndGate";
import { WindowPicker } from "../components/WindowPicker";
import { completenessNote, daysWithCost } from "../lib/completeness";
import { presetWindow, previousWindow, formatWindow, type Window } from "../lib/dates";
import { changePct, compareDecimals, subtractDecimals, toMicros, toNumber } from "../lib/money";
import { customerColor, UNATTRIBUTED_COLOR } from "../lib/palette";
import { useDashboard, useHealth } from "../lib/queries";
import type { Freshness } from "../lib/api";
import { compact, type WindowSearch } from "../search";

const ATTRIBUTED_COLOR = "#2563eb";

// Recharts is most of a chart's weight: loading it after the first render keeps it out of the
// initial bundle, so the KPIs paint before the chart's code has even been parsed.
const TrendChart = lazy(() => import("../components/charts").then((module) => ({ default: module.TrendChart })));
const chartSkeleton = <Skeleton className="m-2 h-[330px]" />;

/** The window in the URL, else the last 30 days up to the last day with cost data. */
export function windowFrom(search: WindowSearch, dataEnd: string): Window {
  const fallback = presetWindow("30d", dataEnd);
  return { start: search.start ?? fallback.start, end: search.end ?? fallback.end };
}

function Kpi({ label, icon, children, sub, testId }: { label: string; icon: ReactNode; children: ReactNode; sub?: ReactNode; testId: string }) {
  return (
    <Card className="p-4" data-testid={testId}>
      <div className="flex items-center justify-between text-xs font-medium text-muted">
        <span>{label}</span>
        {icon}
      </div>
      <div className="mt-2 text-2xl font-semibold tracking-tight tabular-nums" data-testid={`${testId}-value`}>
        {children}
      </div>
      {sub ? <div className="mt-1 text-xs text-muted">{sub}</div> : null}
    </Card>
  );
}

function KpiSkeleton({ testId }: { testId: string }) {
  return (
    <Card className="p-4" data-testid={testId} aria-busy="true">
      <Skeleton className="h-3 w-24" />
      <Skeleton className="mt-3 h-7 w-32" />
      <Skeleton className="mt-2 h-3 w-20" />
    </Card>
  );
}

export function formatAge(seconds: number): string {
  if (seconds < 90) return "just now";
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} days ago`;
}

function freshnessSummary(rows: Freshness[]): { oldest: Freshness | null; failing: number } {
  let oldest: Freshness | null = null;
  for (const row of rows) if (!oldest || Number(row.age_seconds) > Number(oldest.age_seconds)) oldest = row;
  return { oldest, failing: rows.filter((row) => row.last_status !== "ok").length };
}

function FreshnessKpi() {
  const health = useHealth();
  if (health.isPending) return <KpiSkeleton testId="kpi-freshness" />;
  if (health.isError)
    return (
      <Kpi label="Data freshness" icon={<Clock className="size-4" aria-hidden="true" />} testId="kpi-freshness" sub="health check failed">
        —
      </Kpi>
    );
  const { oldest, failing } = freshnessSummary(health.data.freshness ?? []);
  return (
    <Kpi
      label="Data freshness"
      icon={<Clock className="size-4" aria-hidden="true" />}
      testId="kpi-freshness"
      sub={
        oldest
          ? `oldest collector: ${oldest.collector}${failing ? ` · ${failing} failing` : " · all ok"}`
          : "no collector runs recorded"
      }
    >
      {oldest ? formatAge(Number(oldest.age_seconds)) : "—"}
    </Kpi>
  );
}

export function DashboardPage() {
  return <DataEndGate title="Dashboard">{(dataEnd) => <Dashboard dataEnd={dataEnd} />}</DataEndGate>;
}

function Dashboard({ dataEnd }: { dataEnd: string }) {
  const search = useSearch({ from: "/" });
  const navigate = useNavigate({ from: "/" });
  const window = windowFrom(search, dataEnd);
  const previous = previousWindow(window);
  // One request for everything below (GET /api/dashboard): its sections equal /api/coverage,
  // /api/costs/by-customer and /api/costs/trend for the same windows.
  const summary = useDashboard(window, previous);
  const currentNote = completenessNote(daysWithCost(summary.data?.trend), window);
  const previousNote = completenessNote(daysWithCost(summary.data?.previousTrend), previous);

  const current = summary.data?.current;
  const before = summary.data?.previous;
  return (
    <div>
      <PageHeader
        title="Dashboard"
        description={`Who is spending what, ${formatWindow(window)} (effective cost, UTC days).`}
        actions={<WindowPicker value={window} dataEnd={dataEnd} onChange={(w) => void navigate({ search: compact({ start: w.start, end: w.end }) })} />}
      />
      {summary.isError ? (
        <Card className="mb-4">
          <ErrorState error={summary.error} onRetry={() => void summary.refetch()} />
        </Card>
      ) : null}
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-5">
        {current ? (
          <Kpi label="Spend in window" icon={<Wallet className="size-4" aria-hidden="true" />} testId="kpi-spend" sub={`${current.customers} customers${currentNote}`}>
            <Money value={current.total_cost} />
          </Kpi>
        ) : (
          <KpiSkeleton testId="kpi-spend" />
        )}
        {current && before ? (
          <Kpi
            label="Change vs previous window"
            icon={
              compareDecimals(current.total_cost, before.total_cost) >= 0 ? (
                <ArrowUpRight className="size-4" aria-hidden="true" />
              ) : (
                <ArrowDownRight className="size-4" aria-hidden="true" />
              )
            }
            testId="kpi-change"
            sub={
              <>
                <Pct value={changePct(before.total_cost, current.total_cost)} delta /> vs <Money value={before.total_cost} digits={0} />, {formatWindow(previous)}
                {previousNote}
              </>
            }
          >
            <Money value={subtractDecimals(current.total_cost, before.total_cost)} delta />
          </Kpi>
        ) : summary.isError ? (
          <Kpi label="Change vs previous window" icon={null} testId="kpi-change" sub="previous window unavailable">
            —
          </Kpi>
        ) : (
          <KpiSkeleton testId="kpi-change" />
        )}
        {current ? (
          <Kpi label="Coverage" icon={<PieChart className="size-4" aria-hidden="true" />} testId="kpi-coverage" sub="share of cost with an owner">
            <Pct value={current.coverage_pct} />
          </Kpi>
        ) : (
          <KpiSkeleton testId="kpi-coverage" />
        )}
        {current ? (
          <Kpi label="Unattributed spend" icon={<ShieldQuestion className="size-4" aria-hidden="true" />} testId="kpi-unattributed" sub="no owner from tags or relationships">
            <Money value={current.unattributed_cost} />
          </Kpi>
        ) : (
          <KpiSkeleton testId="kpi-unattributed" />
        )}
        <FreshnessKpi />
      </div>

      <div className="mt-4 grid grid-cols-1 gap-4 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader
            title="Daily cost"
            description="Effective cost per day, stacked"
            actions={
              <ul className="flex items-center gap-3 text-xs text-muted" aria-label="Legend">
                <li className="inline-flex items-center gap-1.5">
                  <span className="inline-block size-2.5 rounded-sm" style={{ background: ATTRIBUTED_COLOR }} aria-hidden="true" /> Attributed
                </li>
                <li className="inline-flex items-center gap-1.5">
                  <span className="inline-block size-2.5 rounded-sm" style={{ background: UNATTRIBUTED_COLOR }} aria-hidden="true" /> Unattributed
                </li>
              </ul>
            }
          />
          <div className="p-2">
            <QueryState
              query={summary}
              isEmpty={(d) => d.trend.every((row) => toMicros(row.effective_cost) === 0n)}
              empty={<EmptyState title="No cost in this window">Pick another window, or seed data with ./pants seed.</EmptyState>}
              loading={chartSkeleton}
            >
              {(d) => (
                <Suspense fallback={chartSkeleton}>
                  <TrendChart
                    label={`Daily cost, ${formatWindow(window)}`}
                    rows={d.trend as unknown as Record<string, unknown>[]}
                    height={330}
                    series={[
                      { key: "attributed_cost", label: "Attributed", color: ATTRIBUTED_COLOR },
                      { key: "unattributed_cost", label: "Unattributed", color: UNATTRIBUTED_COLOR },
                    ]}
                  />
                </Suspense>
              )}
            </QueryState>
          </div>
        </Card>
        <Card>
          <CardHeader title="Top customers" description="Effective cost and share of the window" actions={<Link to="/costs" search={compact({ start: search.start, end: search.end })} className="text-xs text-accent underline">All costs</Link>} />
          <QueryState
            query={summary}
            isEmpty={(d) => d.customers.length === 0}
            empty={<EmptyState title="No customers with cost in this window" />}
          >
            {(d) => {
              const rows = [...d.customers].sort((a, b) => compareDecimals(b.effective_cost, a.effective_cost)).slice(0, 8);
              const max = Math.max(...rows.map((row) => toNumber(row.effective_cost)), 1);
              return (
                <ul className="divide-y divide-border" data-testid="top-customers">
                  {rows.map((row) => (
                    <li key={row.customer} className="px-4 py-2.5" data-customer={row.customer}>
                      <div className="flex items-center gap-2 text-sm">
                        <span className="inline-block size-2.5 shrink-0 rounded-full" style={{ background: customerColor(row.customer) }} aria-hidden="true" />
                        <Link
                          to="/costs"
                          search={compact({ start: search.start, end: search.end, tab: "account-role" as const, customer: row.customer })}
                          className="truncate font-medium hover:underline"
                        >
                          {row.customer}
                        </Link>
                        <span className="ml-auto tabular-nums" data-testid="customer-cost">
                          <Money value={row.effective_cost} />
                        </span>
                        <span className="w-14 text-right text-xs text-muted tabular-nums">
                          <Pct value={row.share_pct} />
                        </span>
                      </div>
                      <div className="mt-1.5 h-1.5 rounded-full bg-subtle" aria-hidden="true">
                        <div className="h-1.5 rounded-full" style={{ width: `${(toNumber(row.effective_cost) / max) * 100}%`, background: customerColor(row.customer) }} />
                      </div>
                    </li>
                  ))}
                </ul>
              );
            }}
          </QueryState>
        </Card>
      </div>
    </div>
  );
}
