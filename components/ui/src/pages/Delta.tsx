import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { createColumnHelper, getCoreRowModel, getSortedRowModel, useReactTable, type SortingState } from "@tanstack/react-table";
import { ChevronRight, History, X } from "lucide-react";
import { useDeferredValue, useMemo, useState } from "react";
import { DataEndGate } from "../components/DataEndGate";
import { DataTable, type ColumnMeta } from "../components/DataTable";
import { PageHeader } from "../components/Layout";
import { Pager } from "../components/Pager";
import { Money } from "../components/Money";
import { QueryState } from "../components/QueryState";
import { Badge, Button, Card, CardHeader, EmptyState, Segmented, Select, Skeleton } from "../components/ui";
import { Waterfall, type WaterfallStep } from "../components/charts";
import {
  type Basis,
  CATEGORY_COMPONENTS,
  CHARGE_LABELS,
  COMPONENT_LABELS,
  DELTA_COMPONENTS,
  type DeltaCharge,
  type DeltaComponent,
  nodeLabel,
  type DeltaNode,
  type DeltaParams,
  type DeltaParts,
  type DeltaResource,
  type DeltaWindowsParams,
  RESOURCE_COMPONENT_LABELS,
  USAGE_COMPONENTS,
} from "../lib/api";
import { addDays, DELTA_PRESETS, deltaPreset, formatWindow, matchingDeltaPreset, type DeltaPresetId, type DeltaWindows } from "../lib/dates";
import { compareDecimals, sumDecimals, toMicros } from "../lib/money";
import { customerColor } from "../lib/palette";
import { useDeltaCharges, useDeltaEvents, useDeltaNodes, useDeltaResources, usePrefetchDeltaNodes } from "../lib/queries";
import { compact, DELTA_PAGE_SIZES, type DeltaSearch, type Hierarchy } from "../search";

/** The windows in the URL, else week over week up to the last day with cost data. */
export function deltaWindowsFrom(search: DeltaSearch, dataEnd: string): DeltaWindows {
  const fallback = deltaPreset("wow", dataEnd);
  return {
    base_start: search.base_start ?? fallback.base_start,
    base_end: search.base_end ?? fallback.base_end,
    compare_start: search.compare_start ?? fallback.compare_start,
    compare_end: search.compare_end ?? fallback.compare_end,
  };
}

/** The node's own totals: the exact (Decimal) sum of its children's, which the API guarantees add up. */
export function sumParts(rows: DeltaParts[]): DeltaParts {
  const keys = ["total_a", "total_b", "delta", ...DELTA_COMPONENTS] as const;
  return Object.fromEntries(keys.map((key) => [key, sumDecimals(rows.map((row) => row[key]))])) as DeltaParts;
}

/**
 * The components worth showing for these rows: usage's always (the decomposition's usual shape),
 * another charge category only when it changed somewhere, as most nodes have no tax or purchase.
 */
export function shownComponents(rows: DeltaParts[]): DeltaComponent[] {
  return DELTA_COMPONENTS.filter(
    (key) => (USAGE_COMPONENTS as readonly DeltaComponent[]).includes(key) || rows.some((row) => toMicros(row[key]) !== 0n),
  );
}

/** The charge-category columns hidden because no row on the table changed in them. */
function hiddenCategories(rows: DeltaParts[]): Record<string, boolean> {
  const shown = shownComponents(rows);
  return Object.fromEntries(CATEGORY_COMPONENTS.filter((key) => !shown.includes(key)).map((key) => [key, false]));
}

export function waterfallSteps(parts: DeltaParts) {
  return [
    { label: "Total A", value: parts.total_a, total: true },
    ...shownComponents([parts]).map((key) => ({ label: COMPONENT_LABELS[key], value: parts[key] })),
    { label: "Total B", value: parts.total_b, total: true },
  ];
}

/** A resources-table row: a resource has a row per component (its usage, each other charge category). */
export function resourceRowId(row: DeltaResource): string {
  return `${row.resource_id}|${row.component}`;
}

/**
 * The waterfall mounts one render after the rest of the answer: mounting the Recharts chart costs
 * more main-thread time than the whole table (a drill-down measured with the chart left out:
 * 20 ms from answer to table instead of 282 ms, load average 9), and the table is what a
 * drill-down waits for. Until then the chart's place holds a skeleton of its size.
 */
function DeferredWaterfall({ steps }: { steps: WaterfallStep[] }) {
  const deferred = useDeferredValue<WaterfallStep[] | null>(steps, null);
  return deferred === null ? <div data-testid="waterfall-pending"><Skeleton className="h-[260px]" /></div> : <Waterfall steps={deferred} />;
}

function isResourceNode(nodeType: string): boolean {
  return nodeType.includes(":");
}

const moneyMeta: ColumnMeta = { numeric: true };

function useComponentColumns<T extends DeltaParts>() {
  const helper = createColumnHelper<T>();
  return useMemo(
    () => [
      helper.accessor((row) => row.total_a, { id: "total_a", header: "Total A", cell: (c) => <Money value={c.getValue()} />, meta: moneyMeta, sortingFn: (a, b) => compareDecimals(a.original.total_a, b.original.total_a) }),
      helper.accessor((row) => row.total_b, { id: "total_b", header: "Total B", cell: (c) => <Money value={c.getValue()} />, meta: moneyMeta, sortingFn: (a, b) => compareDecimals(a.original.total_b, b.original.total_b) }),
      helper.accessor((row) => row.delta, { id: "delta", header: "Δ", cell: (c) => <Money value={c.getValue()} delta className="font-medium" />, meta: moneyMeta, sortingFn: (a, b) => compareDecimals(a.original.delta, b.original.delta) }),
      ...DELTA_COMPONENTS.map((key) =>
        helper.accessor((row) => row[key], {
          id: key,
          header: COMPONENT_LABELS[key],
          cell: (c) => <Money value={c.getValue()} delta />,
          meta: moneyMeta,
          sortingFn: (a, b) => compareDecimals(a.original[key], b.original[key]),
        }),
      ),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
}

function Breadcrumbs({ path, search }: { path: string[]; search: DeltaSearch }) {
  const crumbs = ["", ...path];
  return (
    <nav aria-label="Drill-down path" className="mb-4 flex flex-wrap items-center gap-1 text-sm" data-testid="breadcrumbs">
      {crumbs.map((node, index) => {
        const last = index === crumbs.length - 1 && !search.resource;
        const label = node === "" ? "All" : nodeLabel(node);
        return (
          <span key={`${index}-${node}`} className="inline-flex items-center gap-1">
            {index > 0 ? <ChevronRight className="size-3.5 text-muted" aria-hidden="true" /> : null}
            {last ? (
              <span aria-current="location" className="font-semibold" title={node}>
                {label}
              </span>
            ) : (
              <Link
                to="/delta"
                search={compact({ ...search, path: index === 0 ? undefined : path.slice(0, index), resource: undefined, view: undefined, offset: undefined })}
                className="text-accent hover:underline"
                title={node || "the whole organisation"}
              >
                {label}
              </Link>
            )}
          </span>
        );
      })}
      {search.resource ? (
        <span className="inline-flex items-center gap-1">
          <ChevronRight className="size-3.5 text-muted" aria-hidden="true" />
          <span aria-current="location" className="font-semibold">
            {search.resource}
          </span>
        </span>
      ) : null}
    </nav>
  );
}

function NodesTable({ rows, search, params }: { rows: DeltaNode[]; search: DeltaSearch; params: DeltaParams }) {
  const navigate = useNavigate({ from: "/delta" });
  const prefetch = usePrefetchDeltaNodes();
  const [sorting, setSorting] = useState<SortingState>([{ id: "delta", desc: true }]);
  const helper = createColumnHelper<DeltaNode>();
  const parts = useComponentColumns<DeltaNode>();
  const path = search.path ?? [];
  const columns = useMemo(
    () => [
      helper.accessor("node_id", {
        header: "Node",
        cell: (c) => {
          const row = c.row.original;
          const resource = isResourceNode(row.node_type);
          const target = resource
            ? compact({ ...search, resource: row.node_id })
            : compact({ ...search, path: [...path, row.node_id], view: undefined, resource: undefined, offset: undefined });
          const customer = row.node_id.startsWith("customer:") ? row.node_id : null;
          // A resource opens its events; any other node's children are what the click will show.
          const warm = resource ? undefined : () => prefetch({ ...params, node_id: row.node_id });
          return (
            <Link
              to="/delta"
              search={target}
              className="inline-flex items-center gap-2 font-medium text-accent hover:underline"
              onClick={(e) => e.stopPropagation()}
              onMouseEnter={warm}
              onFocus={warm}
              onPointerDown={warm}
              data-testid="node-link"
            >
              {customer ? <span className="inline-block size-2.5 rounded-full" style={{ background: customerColor(customer) }} aria-hidden="true" /> : null}
              <span title={row.node_id}>{nodeLabel(row.node_id)}</span>
            </Link>
          );
        },
      }),
      helper.accessor("node_type", { header: "Type", cell: (c) => <Badge>{c.getValue()}</Badge> }),
      ...parts,
      helper.accessor("resource_count", { header: "Resources", cell: (c) => c.getValue(), meta: moneyMeta, sortingFn: (a, b) => Number(a.original.resource_count) - Number(b.original.resource_count) }),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [search, parts, params],
  );
  const table = useReactTable({ data: rows, columns, state: { sorting, columnVisibility: hiddenCategories(rows) }, autoResetAll: false, onSortingChange: setSorting, getCoreRowModel: getCoreRowModel(), getSortedRowModel: getSortedRowModel(), getRowId: (row) => row.node_id });
  return (
    <DataTable
      table={table}
      label="Child nodes and their delta components"
      testId="delta-nodes"
      maxHeight="560px"
      onRowClick={(row) => {
        const resource = isResourceNode(row.original.node_type);
        void navigate({ search: resource ? compact({ ...search, resource: row.original.node_id }) : compact({ ...search, path: [...path, row.original.node_id], view: undefined, resource: undefined, offset: undefined }) });
      }}
    />
  );
}

function ResourcesTable({ rows, search }: { rows: DeltaResource[]; search: DeltaSearch }) {
  const navigate = useNavigate({ from: "/delta" });
  const [sorting, setSorting] = useState<SortingState>([{ id: "delta", desc: true }]);
  const helper = createColumnHelper<DeltaResource>();
  const parts = useComponentColumns<DeltaResource>();
  const columns = useMemo(
    () => [
      helper.accessor("resource_id", {
        header: "Resource",
        cell: (c) => (
          <span className="flex max-w-[280px] flex-col">
            <Link to="/delta" search={compact({ ...search, resource: c.getValue() })} className="truncate font-mono text-xs font-medium text-accent hover:underline" title={c.getValue()} onClick={(e) => e.stopPropagation()} data-testid="resource-link">
              {c.getValue()}
            </Link>
            <span className="text-xs text-muted">{c.row.original.resource_type}</span>
          </span>
        ),
      }),
      helper.accessor((row) => row.marqo_customer || "—", {
        id: "owner",
        header: "Owner",
        cell: (c) => <span className="whitespace-nowrap">{[c.row.original.marqo_customer, c.row.original.marqo_cluster, c.row.original.marqo_role].filter(Boolean).join(" / ") || "unattributed"}</span>,
      }),
      helper.accessor("component", { header: "Change", cell: (c) => <Badge>{RESOURCE_COMPONENT_LABELS[c.getValue()] + (c.row.original.flagged ? " ⚑" : "")}</Badge> }),
      ...parts,
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [search, parts],
  );
  const table = useReactTable({ data: rows, columns, state: { sorting, columnVisibility: hiddenCategories(rows) }, autoResetAll: false, onSortingChange: setSorting, getCoreRowModel: getCoreRowModel(), getSortedRowModel: getSortedRowModel(), getRowId: resourceRowId });
  const selected = search.resource;
  return (
    <DataTable
      table={table}
      label="Resources under the node and their delta components"
      testId="delta-resources"
      maxHeight="560px"
      isSelected={selected === undefined ? undefined : (row) => row.original.resource_id === selected}
      onRowClick={(row) => void navigate({ search: compact({ ...search, resource: row.original.resource_id }) })}
    />
  );
}

function EventsPanel({ resourceId, windows, search }: { resourceId: string; windows: DeltaWindows; search: DeltaSearch }) {
  const window = { start: windows.base_start < windows.compare_start ? windows.base_start : windows.compare_start, end: windows.compare_end > windows.base_end ? windows.compare_end : windows.base_end };
  const events = useDeltaEvents(resourceId, window);
  return (
    <Card data-testid="events-panel">
      <CardHeader
        title={
          <span className="inline-flex items-center gap-2">
            <History className="size-4" aria-hidden="true" /> Lifecycle events of <span className="font-mono">{resourceId}</span>
          </span>
        }
        description={`Who did what, ${formatWindow(window)}`}
        actions={
          <Link to="/delta" search={compact({ ...search, resource: undefined })} aria-label="Close lifecycle events" className="inline-flex size-8 items-center justify-center rounded-md hover:bg-subtle">
            <X className="size-4" aria-hidden="true" />
          </Link>
        }
      />
      <QueryState query={events} isEmpty={(d) => d.data.length === 0} empty={<EmptyState title="No lifecycle events in these windows">The change came from usage or price, not from an API call.</EmptyState>}>
        {(d) => (
          <ol className="divide-y divide-border" data-testid="events">
            {d.data.map((event) => (
              <li key={`${event.event_time}-${event.request_id}-${event.event_name}`} className="grid grid-cols-1 gap-1 px-4 py-3 text-sm md:grid-cols-[180px_120px_1fr]">
                <time className="tabular-nums text-muted" dateTime={event.event_time.replace(" ", "T") + "Z"}>
                  {event.event_time.slice(0, 16)} UTC
                </time>
                <span>
                  <Badge>{event.action}</Badge>
                </span>
                <span className="min-w-0">
                  <span className="font-medium">{event.event_name}</span> by <span className="break-all font-mono text-xs">{event.actor_arn || "unknown"}</span>
                  <span className="block text-xs text-muted">
                    {[event.actor_type, event.source_ip && `from ${event.source_ip}`, event.kind, event.detail].filter(Boolean).join(" · ")}
                  </span>
                </span>
              </li>
            ))}
          </ol>
        )}
      </QueryState>
    </Card>
  );
}

/** The categories worth a row: usage always, any other only when it has cost in a window. */
export function chargeRows(rows: DeltaCharge[]): DeltaCharge[] {
  const amounts = ["total_a", "total_b", "billed_total_a", "billed_total_b"] as const;
  return rows.filter((row) => row.category === "usage" || amounts.some((key) => toMicros(row[key]) !== 0n));
}

function ChargesPanel({ params }: { params: DeltaWindowsParams }) {
  const charges = useDeltaCharges(params);
  return (
    <Card data-testid="charges-panel">
      <CardHeader
        title="By charge category"
        description="The same Δ by kind of charge, as the invoice shows it: each basis sums to B − A exactly"
      />
      <QueryState query={charges} loading={<Skeleton className="m-2 h-[120px]" />} isEmpty={(d) => d.data.length === 0} empty={<EmptyState title="No cost under this node in either window" />}>
        {(d) => (
          <div className="overflow-x-auto">
            <table className="w-full border-collapse text-sm" aria-label="Delta by charge category" data-testid="charges">
              <thead>
                <tr className="border-b border-border text-xs text-muted">
                  <th scope="col" className="px-3 py-2 text-left font-semibold">Category</th>
                  <th scope="col" className="px-3 py-2 text-right font-semibold">Effective A</th>
                  <th scope="col" className="px-3 py-2 text-right font-semibold">Effective B</th>
                  <th scope="col" className="px-3 py-2 text-right font-semibold">Δ effective</th>
                  <th scope="col" className="px-3 py-2 text-right font-semibold">Δ billed</th>
                </tr>
              </thead>
              <tbody>
                {chargeRows(d.data).map((row) => (
                  <tr key={row.category} className="border-b border-border last:border-0" data-category={row.category}>
                    <td className="px-3 py-2 text-left">
                      {CHARGE_LABELS[row.category].label}
                      {CHARGE_LABELS[row.category].hint ? <span className="ml-2 text-xs text-muted">{CHARGE_LABELS[row.category].hint}</span> : null}
                    </td>
                    <td className="num px-3 py-2"><Money value={row.total_a} /></td>
                    <td className="num px-3 py-2"><Money value={row.total_b} /></td>
                    <td className="num px-3 py-2 font-medium"><Money value={row.delta} delta /></td>
                    <td className="num px-3 py-2"><Money value={row.billed_delta} delta /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Card>
  );
}

function WindowInputs({ label, start, end, onChange, id }: { label: string; start: string; end: string; onChange: (start: string, end: string) => void; id: string }) {
  return (
    <fieldset className="inline-flex items-center gap-1.5 text-sm">
      <legend className="sr-only">{label}</legend>
      <span className="text-xs font-semibold text-muted" aria-hidden="true">
        {label.slice(0, 1)}
      </span>
      <input aria-label={`${label} from`} id={`${id}-from`} type="date" value={start} onChange={(e) => e.target.value && onChange(e.target.value, end)} className="h-8 rounded-md border border-border bg-card px-2 text-sm text-fg" />
      <span className="text-muted" aria-hidden="true">
        –
      </span>
      <input aria-label={`${label} to (last day included)`} id={`${id}-to`} type="date" value={addDays(end, -1)} onChange={(e) => e.target.value && onChange(start, addDays(e.target.value, 1))} className="h-8 rounded-md border border-border bg-card px-2 text-sm text-fg" />
    </fieldset>
  );
}

export function DeltaPage() {
  return <DataEndGate title="Delta">{(dataEnd) => <Delta dataEnd={dataEnd} />}</DataEndGate>;
}

function Delta({ dataEnd }: { dataEnd: string }) {
  const search = useSearch({ from: "/delta" });
  const navigate = useNavigate({ from: "/delta" });
  const windows = deltaWindowsFrom(search, dataEnd);
  const hierarchy: Hierarchy = search.hierarchy ?? "logical";
  const basis: Basis = search.basis ?? "effective";
  const path = search.path ?? [];
  const nodeId = path[path.length - 1] ?? "";
  const view = search.view ?? "nodes";
  const { base_start, base_end, compare_start, compare_end } = windows;
  // Stable between renders: the child table's columns (and their prefetch) are memoised on it.
  const params: DeltaWindowsParams = useMemo(
    () => ({ base_start, base_end, compare_start, compare_end, hierarchy, node_id: nodeId }),
    [base_start, base_end, compare_start, compare_end, hierarchy, nodeId],
  );
  // The decompositions take the basis (sent only when the URL names one: the default is the API's);
  // delta/charges answers both bases and refuses the parameter.
  const decomposition: DeltaParams = useMemo(() => ({ ...params, basis: search.basis }), [params, search.basis]);
  const nodes = useDeltaNodes(decomposition);
  const limit = search.limit ?? 100;
  const offset = search.offset ?? 0;
  const resources = useDeltaResources(decomposition, { limit, offset }, view === "resources");
  // Windows, hierarchy, basis, view and page size change which rows a page holds: back to the first page.
  const set = (patch: Partial<DeltaSearch>, keepPage = false) =>
    void navigate({ search: compact({ ...search, ...(keepPage ? {} : { offset: undefined }), ...patch }) });

  return (
    <div>
      <PageHeader
        title="Delta"
        description={`Why cost changed: A = ${formatWindow({ start: windows.base_start, end: windows.base_end })}, B = ${formatWindow({ start: windows.compare_start, end: windows.compare_end })}.`}
        actions={
          <>
            <Segmented<DeltaPresetId>
              label="Comparison presets"
              value={matchingDeltaPreset(windows, dataEnd)}
              options={DELTA_PRESETS}
              onChange={(id) => set({ ...deltaPreset(id, dataEnd), resource: undefined })}
            />
            <WindowInputs id="base" label="A (base)" start={windows.base_start} end={windows.base_end} onChange={(s, e) => set({ base_start: s, base_end: e })} />
            <WindowInputs id="compare" label="B (compare)" start={windows.compare_start} end={windows.compare_end} onChange={(s, e) => set({ compare_start: s, compare_end: e })} />
            <Select label="Hierarchy" value={hierarchy} onChange={(e) => set({ hierarchy: e.target.value as Hierarchy, path: undefined, resource: undefined, view: undefined })}>
              <option value="logical">Logical (customer → cluster → role)</option>
              <option value="physical">Physical (account → region → VPC)</option>
            </Select>
            <Segmented<Basis>
              label="Cost basis"
              value={basis}
              options={[
                { id: "effective", label: "Effective" },
                { id: "billed", label: "Billed" },
              ]}
              onChange={(id) => set({ basis: id === "effective" ? undefined : id })}
            />
          </>
        }
      />
      <Breadcrumbs path={path} search={search} />
      <div className="grid grid-cols-1 gap-4">
        <Card>
          <CardHeader
            title={`${nodeId ? nodeLabel(nodeId) : "All"}: total A → total B`}
            description={`Created + removed + usage + rate + transferred in + out + each other charge category = B − A in ${basis} cost, exactly`}
          />
          <div className="p-2">
            <QueryState query={nodes} loading={<Skeleton className="m-2 h-[260px]" />} isEmpty={(d) => d.data.length === 0} empty={<EmptyState title="No cost under this node in either window" />}>
              {(d) => {
                const parts = sumParts(d.data);
                return (
                  <div className="grid grid-cols-1 gap-2 lg:grid-cols-[1fr_260px]">
                    <DeferredWaterfall steps={waterfallSteps(parts)} />
                    <dl className="grid grid-cols-2 gap-x-4 gap-y-1 self-center px-3 text-sm" data-testid="delta-summary">
                      <dt className="text-muted">Total A</dt>
                      <dd className="num" data-testid="total-a"><Money value={parts.total_a} /></dd>
                      <dt className="text-muted">Total B</dt>
                      <dd className="num" data-testid="total-b"><Money value={parts.total_b} /></dd>
                      <dt className="font-medium">Δ</dt>
                      <dd className="num font-semibold" data-testid="total-delta"><Money value={parts.delta} delta /></dd>
                      {shownComponents([parts]).map((key) => (
                        <div key={key} className="contents">
                          <dt className="text-muted">{COMPONENT_LABELS[key]}</dt>
                          <dd className="num" data-testid={`component-${key}`}><Money value={parts[key]} delta /></dd>
                        </div>
                      ))}
                    </dl>
                  </div>
                );
              }}
            </QueryState>
          </div>
        </Card>
        <ChargesPanel params={params} />
        {search.resource ? <EventsPanel resourceId={search.resource} windows={windows} search={search} /> : null}
        <Card>
          <CardHeader
            title={view === "nodes" ? "Children" : "Resources"}
            description={
              view === "nodes"
                ? "Click a node to drill down; a resource opens its lifecycle events"
                : "Every resource under this node, biggest |Δ| first, a page at a time (a column sorts the page shown); click one for its lifecycle events"
            }
            actions={
              <Segmented
                label="Table view"
                value={view}
                options={[
                  { id: "nodes", label: "Child nodes" },
                  { id: "resources", label: "Resources" },
                ]}
                onChange={(id) => set({ view: id === "nodes" ? undefined : id })}
              />
            }
          />
          {view === "nodes" ? (
            <QueryState query={nodes} isEmpty={(d) => d.data.length === 0} empty={<EmptyState title="This node has no children with cost">
              <Button onClick={() => set({ view: "resources" })}>Show its resources</Button>
            </EmptyState>}>
              {(d) => <NodesTable rows={d.data} search={search} params={decomposition} />}
            </QueryState>
          ) : (
            <>
              <QueryState
                query={resources}
                isEmpty={(d) => d.data.length === 0}
                empty={<EmptyState title={offset > 0 ? "No resources on this page" : "No resources with cost under this node"} />}
              >
                {(d) => (
                  <div className={resources.isPlaceholderData ? "opacity-60 transition-opacity" : undefined} aria-busy={resources.isPlaceholderData}>
                    <ResourcesTable rows={d.data} search={search} />
                  </div>
                )}
              </QueryState>
              {resources.isSuccess ? (
                <Pager
                  offset={offset}
                  limit={limit}
                  rows={resources.data.data.length}
                  page={resources.data.page}
                  pending={resources.isPlaceholderData}
                  sizes={DELTA_PAGE_SIZES}
                  // A row is a resource's usage or one of its charge categories.
                  noun="changes"
                  onOffset={(next) => set({ offset: next || undefined }, true)}
                  onLimit={(size) => set({ limit: size })}
                />
              ) : null}
            </>
          )}
        </Card>
      </div>
    </div>
  );
}
