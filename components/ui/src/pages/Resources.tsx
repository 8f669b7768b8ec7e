import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { createColumnHelper, getCoreRowModel, useReactTable, type SortingState } from "@tanstack/react-table";
import { LineChart, Search } from "lucide-react";
import { useEffect, useMemo, useState } from "react";
import { DataTable, type ColumnMeta } from "../components/DataTable";
import { PageHeader } from "../components/Layout";
import { Pager } from "../components/Pager";
import { Money } from "../components/Money";
import { Badge, Button, Card, EmptyState, ErrorState, LoadingRows, TextInput } from "../components/ui";
import type { Resource } from "../lib/api";
import { addDays, formatDay } from "../lib/dates";
import { DataEndGate } from "../components/DataEndGate";
import { customerColor } from "../lib/palette";
import { useResources } from "../lib/queries";
import { compact, PAGE_SIZES, type ResourceFilter, type ResourcesSearch, type ResourceSort } from "../search";

const FILTER_LABELS: Record<Exclude<ResourceFilter, "search">, string> = {
  customer: "Customer",
  cluster: "Cluster",
  role: "Role",
  account_id: "Account",
  resource_type: "Type",
  state: "State",
};

/**
 * The API parameters of a page of the inventory: every filter explicit, defaults filled in; `as_of`
 * defaults to the last day with cost data (`dataEnd` is the day after it), whose cost column is full.
 */
export function resourcesParams(search: ResourcesSearch, dataEnd: string): Record<string, string | number> {
  return {
    as_of: search.as_of ?? addDays(dataEnd, -1),
    customer: search.customer ?? "",
    cluster: search.cluster ?? "",
    role: search.role ?? "",
    account_id: search.account_id ?? "",
    resource_type: search.resource_type ?? "",
    state: search.state ?? "",
    search: search.search ?? "",
    sort: search.sort ?? "cost",
    direction: search.direction ?? "desc",
    limit: search.limit ?? 50,
    offset: search.offset ?? 0,
  };
}

function FilterInput({ name, label, value, onCommit }: { name: string; label: string; value: string; onCommit: (value: string) => void }) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        onCommit(draft.trim());
      }}
    >
      <TextInput label={label} name={name} value={draft} onChange={(e) => setDraft(e.target.value)} onBlur={() => draft.trim() !== value && onCommit(draft.trim())} className="w-28" placeholder="any" />
    </form>
  );
}

export function ResourcesPage() {
  return <DataEndGate title="Resources">{(dataEnd) => <Resources dataEnd={dataEnd} />}</DataEndGate>;
}

function Resources({ dataEnd }: { dataEnd: string }) {
  const search = useSearch({ from: "/resources" });
  const navigate = useNavigate({ from: "/resources" });
  const params = resourcesParams(search, dataEnd);
  const query = useResources(params);
  const set = (patch: Partial<ResourcesSearch>, resetPage = true) =>
    void navigate({ search: compact({ ...search, ...patch, ...(resetPage ? { offset: undefined } : {}) }) });
  const [searchDraft, setSearchDraft] = useState(search.search ?? "");
  useEffect(() => setSearchDraft(search.search ?? ""), [search.search]);

  const helper = createColumnHelper<Resource>();
  const columns = useMemo(
    () => [
      helper.accessor("resource_id", {
        header: "Resource",
        cell: (c) => (
          <span className="inline-flex items-center gap-2">
            <span className="font-mono text-xs" title={c.row.original.arn}>
              {c.getValue()}
            </span>
            <Link
              to="/hierarchy"
              search={{ hierarchy: "physical", node: c.getValue() }}
              aria-label={`Cost trend of ${c.getValue()}`}
              title="Cost trend"
              className="inline-flex size-6 items-center justify-center rounded text-accent hover:bg-subtle"
              data-testid="trend-link"
            >
              <LineChart className="size-3.5" aria-hidden="true" />
            </Link>
          </span>
        ),
      }),
      helper.accessor("resource_type", { header: "Type", cell: (c) => <Badge>{c.getValue()}</Badge> }),
      helper.accessor("account_id", { header: "Account", cell: (c) => <span className="font-mono text-xs">{c.getValue()}</span> }),
      helper.accessor("region", { header: "Region" }),
      helper.accessor("state", { header: "State" }),
      helper.accessor("marqo_customer", {
        header: "Customer",
        cell: (c) => (
          <span className="inline-flex items-center gap-1.5 whitespace-nowrap">
            <span className="inline-block size-2 rounded-full" style={{ background: customerColor(c.getValue() || "unattributed") }} aria-hidden="true" />
            {c.getValue() || "unattributed"}
          </span>
        ),
      }),
      helper.accessor("marqo_cluster", { header: "Cluster", cell: (c) => c.getValue() || "—" }),
      helper.accessor("marqo_role", { header: "Role", cell: (c) => c.getValue() || "—" }),
      helper.accessor("owner_rule", {
        header: "Provenance",
        enableSorting: false,
        cell: (c) => (
          <span className="text-xs text-muted" title={c.getValue()}>
            {c.getValue().length > 34 ? `${c.getValue().slice(0, 32)}…` : c.getValue() || "—"}
          </span>
        ),
      }),
      helper.accessor("cost", { header: "Cost that day", meta: { numeric: true } as ColumnMeta, cell: (c) => <Money value={c.getValue()} /> }),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  const sorting: SortingState = useMemo(() => [{ id: String(params.sort), desc: params.direction === "desc" }], [params.sort, params.direction]);
  const rows = query.data?.data ?? [];
  const table = useReactTable({
    data: rows,
    columns,
    state: { sorting },
    manualSorting: true,
    autoResetAll: false,
    manualPagination: true,
    enableSortingRemoval: false,
    onSortingChange: (updater) => {
      const next = typeof updater === "function" ? updater(sorting) : updater;
      if (next[0]) set({ sort: next[0].id as ResourceSort, direction: next[0].desc ? "desc" : "asc" });
    },
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => row.resource_id,
  });
  const limit = Number(params.limit);
  const offset = Number(params.offset);

  return (
    <div>
      <PageHeader title="Resources" description={`The inventory as of ${formatDay(String(params.as_of))} ${String(params.as_of).slice(0, 4)}, with owner, how the owner was decided, and that day's cost.`} />
      <Card>
        <div className="flex flex-wrap items-end gap-3 border-b border-border px-4 py-3">
          <form
            role="search"
            onSubmit={(event) => {
              event.preventDefault();
              set({ search: searchDraft.trim() || undefined });
            }}
            className="flex items-end gap-2"
          >
            <TextInput label="Search id, ARN or tag" name="search" value={searchDraft} onChange={(e) => setSearchDraft(e.target.value)} className="w-48" placeholder="e.g. vol- or acme" />
            <Button type="submit" aria-label="Search">
              <Search className="size-3.5" aria-hidden="true" />
            </Button>
          </form>
          {(Object.keys(FILTER_LABELS) as (keyof typeof FILTER_LABELS)[]).map((key) => (
            <FilterInput key={key} name={key} label={FILTER_LABELS[key]} value={search[key] ?? ""} onCommit={(value) => set({ [key]: value || undefined })} />
          ))}
          <TextInput label="As of" type="date" value={String(params.as_of)} onChange={(e) => e.target.value && set({ as_of: e.target.value })} />
        </div>
        {query.isPending || (query.isPlaceholderData && rows.length === 0) ? (
          <LoadingRows rows={10} label="Loading resources" />
        ) : query.isError ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState title="No resources match">Clear a filter or pick another day.</EmptyState>
        ) : (
          <div className={query.isPlaceholderData ? "opacity-60 transition-opacity" : undefined} aria-busy={query.isPlaceholderData}>
            <DataTable table={table} label="Resources" testId="resources-table" />
          </div>
        )}
        <Pager
          offset={offset}
          limit={limit}
          rows={rows.length}
          page={query.data?.page}
          pending={query.isPlaceholderData}
          sizes={PAGE_SIZES}
          noun="resources"
          onOffset={(next) => set({ offset: next || undefined }, false)}
          onLimit={(size) => set({ limit: size })}
        />
      </Card>
    </div>
  );
}
