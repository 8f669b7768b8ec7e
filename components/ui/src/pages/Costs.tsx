import { useNavigate, useSearch } from "@tanstack/react-router";
import {
  createColumnHelper,
  getCoreRowModel,
  getExpandedRowModel,
  getGroupedRowModel,
  getSortedRowModel,
  useReactTable,
  type AggregationFn,
  type Row,
  type SortingState,
  type Table,
} from "@tanstack/react-table";
import { Download } from "lucide-react";
import { useMemo } from "react";
import { DataTable, type ColumnMeta } from "../components/DataTable";
import { PageHeader } from "../components/Layout";
import { Money, Pct } from "../components/Money";
import { QueryState } from "../components/QueryState";
import { Button, Card, CardHeader, EmptyState, Segmented, Select } from "../components/ui";
import { DataEndGate } from "../components/DataEndGate";
import { WindowPicker } from "../components/WindowPicker";
import type { AccountRoleCost, CustomerCost } from "../lib/api";
import { downloadCsv, toCsv } from "../lib/csv";
import { formatWindow } from "../lib/dates";
import { compareDecimals, sumDecimals } from "../lib/money";
import { customerColor } from "../lib/palette";
import { useCostsByAccountRole, useCostsByCustomer } from "../lib/queries";
import { compact, type CostsSearch } from "../search";
import { windowFrom } from "./Dashboard";

const numeric = (csv: string): ColumnMeta => ({ numeric: true, csv });

/** Exact decimal sum for grouped rows. */
const decimalSum: AggregationFn<AccountRoleCost> = (columnId, leafRows) => sumDecimals(leafRows.map((row) => row.getValue<string>(columnId)));

function parseSort(sort: string | undefined, fallback: string): SortingState {
  const [id, dir] = (sort ?? fallback).split(".");
  return [{ id, desc: dir === "desc" }];
}

/**
 * The CSV of exactly what the table shows: its visible columns in order, its rows in order (group
 * rows with their subtotals when grouped), raw values (exact decimal strings, not formatted text).
 */
export function tableCsv<T>(table: Table<T>): string {
  const columns = table.getVisibleLeafColumns();
  const header = columns.map((column) => (column.columnDef.meta as ColumnMeta | undefined)?.csv ?? column.id);
  const rows = table.getRowModel().rows.map((row: Row<T>) =>
    columns.map((column) => {
      const cell = row.getAllCells().find((c) => c.column.id === column.id);
      if (!cell || cell.getIsPlaceholder()) return "";
      return row.getValue(column.id);
    }),
  );
  return toCsv(header, rows);
}

function CustomerTable({ rows, search, filename }: { rows: CustomerCost[]; search: CostsSearch; filename: string }) {
  const navigate = useNavigate({ from: "/costs" });
  const helper = createColumnHelper<CustomerCost>();
  const columns = useMemo(
    () => [
      helper.accessor("customer", {
        header: "Customer",
        meta: { csv: "customer" } as ColumnMeta,
        cell: (c) => (
          <span className="inline-flex items-center gap-2 font-medium">
            <span className="inline-block size-2.5 rounded-full" style={{ background: customerColor(c.getValue()) }} aria-hidden="true" />
            {c.getValue()}
          </span>
        ),
      }),
      helper.accessor("effective_cost", { header: "Effective cost", meta: numeric("effective_cost"), cell: (c) => <Money value={c.getValue()} />, sortingFn: (a, b) => compareDecimals(a.original.effective_cost, b.original.effective_cost) }),
      // Direct + shared = effective cost: what the customer's own resources cost, and what split
      // rules moved to it (docs/allocation.md).
      helper.accessor("direct_effective_cost", { header: "Direct", meta: numeric("direct_effective_cost"), cell: (c) => <Money value={c.getValue()} />, sortingFn: (a, b) => compareDecimals(a.original.direct_effective_cost, b.original.direct_effective_cost) }),
      helper.accessor("shared_effective_cost", { header: "Shared", meta: numeric("shared_effective_cost"), cell: (c) => <Money value={c.getValue()} />, sortingFn: (a, b) => compareDecimals(a.original.shared_effective_cost, b.original.shared_effective_cost) }),
      helper.accessor("billed_cost", { header: "Billed cost", meta: numeric("billed_cost"), cell: (c) => <Money value={c.getValue()} />, sortingFn: (a, b) => compareDecimals(a.original.billed_cost, b.original.billed_cost) }),
      helper.accessor("share_pct", { header: "Share", meta: numeric("share_pct"), cell: (c) => <Pct value={c.getValue()} />, sortingFn: (a, b) => compareDecimals(a.original.share_pct, b.original.share_pct) }),
      helper.accessor("accounts", { header: "Accounts", meta: numeric("accounts"), sortingFn: (a, b) => Number(a.original.accounts) - Number(b.original.accounts) }),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  // Memoized: a new array every render would make the table recompute (and reset) endlessly.
  const sorting = useMemo(() => parseSort(search.sort, "effective_cost.desc"), [search.sort]);
  const table = useReactTable({
    data: rows,
    columns,
    autoResetAll: false,
    state: { sorting },
    onSortingChange: (updater) => {
      const next = typeof updater === "function" ? updater(sorting) : updater;
      void navigate({ search: compact({ ...search, sort: next[0] ? `${next[0].id}.${next[0].desc ? "desc" : "asc"}` : undefined }) });
    },
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (row) => row.customer,
  });
  const total = sumDecimals(rows.map((row) => row.effective_cost));
  return (
    <>
      <div className="flex items-center justify-between gap-2 border-b border-border px-4 py-2 text-sm">
        <span className="text-muted">
          {rows.length} customers · total <Money value={total} className="font-medium text-fg" />
        </span>
        <Button onClick={() => downloadCsv(filename, tableCsv(table))} data-testid="export-csv">
          <Download className="size-3.5" aria-hidden="true" /> Export CSV
        </Button>
      </div>
      <DataTable
        table={table}
        label="Cost by customer"
        testId="costs-table"
        onRowClick={(row) => void navigate({ search: compact({ ...search, tab: "account-role" as const, customer: row.original.customer, sort: undefined }) })}
      />
    </>
  );
}

/** The account and role tab's columns; grouped rows show exact decimal subtotals. */
export function accountRoleColumns() {
  const helper = createColumnHelper<AccountRoleCost>();
  return [
    helper.accessor("account_id", { header: "Account", meta: { csv: "account_id" } as ColumnMeta, cell: (c) => <span className="font-mono text-xs">{c.getValue()}</span> }),
    helper.accessor((row) => row.role || "(no role)", { id: "role", header: "Role", meta: { csv: "role" } as ColumnMeta }),
    helper.accessor("effective_cost", { header: "Effective cost", meta: numeric("effective_cost"), cell: (c) => <Money value={c.getValue()} />, aggregatedCell: (c) => <Money value={c.getValue()} className="font-semibold" />, aggregationFn: decimalSum, sortingFn: (a, b) => compareDecimals(a.getValue("effective_cost"), b.getValue("effective_cost")) }),
    // Direct + shared = effective cost, as on the customer tab; grouped rows sum each exactly.
    helper.accessor("direct_effective_cost", { header: "Direct", meta: numeric("direct_effective_cost"), cell: (c) => <Money value={c.getValue()} />, aggregatedCell: (c) => <Money value={c.getValue()} className="font-semibold" />, aggregationFn: decimalSum, sortingFn: (a, b) => compareDecimals(a.getValue("direct_effective_cost"), b.getValue("direct_effective_cost")) }),
    helper.accessor("shared_effective_cost", { header: "Shared", meta: numeric("shared_effective_cost"), cell: (c) => <Money value={c.getValue()} />, aggregatedCell: (c) => <Money value={c.getValue()} className="font-semibold" />, aggregationFn: decimalSum, sortingFn: (a, b) => compareDecimals(a.getValue("shared_effective_cost"), b.getValue("shared_effective_cost")) }),
    helper.accessor("billed_cost", { header: "Billed cost", meta: numeric("billed_cost"), cell: (c) => <Money value={c.getValue()} />, aggregatedCell: (c) => <Money value={c.getValue()} className="font-semibold" />, aggregationFn: decimalSum, sortingFn: (a, b) => compareDecimals(a.getValue("billed_cost"), b.getValue("billed_cost")) }),
    helper.accessor("customers", { header: "Customers", meta: numeric("customers"), aggregationFn: "max", enableGrouping: false, sortingFn: (a, b) => Number(a.getValue("customers")) - Number(b.getValue("customers")) }),
  ];
}

function AccountRoleTable({ rows, search, filename }: { rows: AccountRoleCost[]; search: CostsSearch; filename: string }) {
  const navigate = useNavigate({ from: "/costs" });
  const columns = useMemo(accountRoleColumns, []);
  const group = search.group ?? "none";
  const sorting = useMemo(() => parseSort(search.sort, "effective_cost.desc"), [search.sort]);
  const grouping = useMemo(() => (group === "none" ? [] : [group === "account" ? "account_id" : "role"]), [group]);
  const table = useReactTable({
    data: rows,
    columns,
    autoResetAll: false,
    state: { sorting, grouping, expanded: true },
    onSortingChange: (updater) => {
      const next = typeof updater === "function" ? updater(sorting) : updater;
      void navigate({ search: compact({ ...search, sort: next[0] ? `${next[0].id}.${next[0].desc ? "desc" : "asc"}` : undefined }) });
    },
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getGroupedRowModel: getGroupedRowModel(),
    getExpandedRowModel: getExpandedRowModel(),
    getRowId: (row) => `${row.account_id}/${row.role}`,
  });
  const total = sumDecimals(rows.map((row) => row.effective_cost));
  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-border px-4 py-2 text-sm">
        <span className="text-muted">
          {rows.length} account × role rows · total <Money value={total} className="font-medium text-fg" />
        </span>
        <div className="flex items-center gap-2">
          <Select label="Group by" value={group} onChange={(e) => void navigate({ search: compact({ ...search, group: e.target.value === "none" ? undefined : (e.target.value as CostsSearch["group"]) }) })}>
            <option value="none">Nothing</option>
            <option value="account">Account</option>
            <option value="role">Role</option>
          </Select>
          <Button onClick={() => downloadCsv(filename, tableCsv(table))} data-testid="export-csv">
            <Download className="size-3.5" aria-hidden="true" /> Export CSV
          </Button>
        </div>
      </div>
      <DataTable table={table} label="Cost by account and role" testId="costs-table" />
    </>
  );
}

export function CostsPage() {
  return <DataEndGate title="Costs">{(dataEnd) => <Costs dataEnd={dataEnd} />}</DataEndGate>;
}

function Costs({ dataEnd }: { dataEnd: string }) {
  const search = useSearch({ from: "/costs" });
  const navigate = useNavigate({ from: "/costs" });
  const window = windowFrom(search, dataEnd);
  const tab = search.tab ?? "customer";
  const customer = search.customer ?? "";
  const byCustomer = useCostsByCustomer(window);
  const byAccountRole = useCostsByAccountRole(window, customer);
  const customers = byCustomer.data?.data.map((row) => row.customer).sort() ?? [];
  const filename = `polo-costs-${tab}${customer ? `-${customer}` : ""}-${window.start}_${window.end}.csv`;
  return (
    <div>
      <PageHeader
        title="Costs"
        description={`Effective and billed cost, ${formatWindow(window)}`}
        actions={<WindowPicker value={window} dataEnd={dataEnd} onChange={(w) => void navigate({ search: compact({ ...search, start: w.start, end: w.end }) })} />}
      />
      <Card>
        <CardHeader
          title={tab === "customer" ? "By customer" : `By account and role${customer ? ` — ${customer}` : ""}`}
          actions={
            <>
              <Segmented
                label="Breakdown"
                value={tab}
                options={[
                  { id: "customer", label: "By customer" },
                  { id: "account-role", label: "By account & role" },
                ]}
                onChange={(id) => void navigate({ search: compact({ ...search, tab: id === "customer" ? undefined : id, sort: undefined, group: undefined }) })}
              />
              {tab === "account-role" ? (
                <Select label="Customer" value={customer} onChange={(e) => void navigate({ search: compact({ ...search, customer: e.target.value || undefined }) })}>
                  <option value="">All customers</option>
                  {customers.map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                  {customer && !customers.includes(customer) ? <option value={customer}>{customer}</option> : null}
                </Select>
              ) : null}
            </>
          }
        />
        {tab === "customer" ? (
          <QueryState query={byCustomer} isEmpty={(d) => d.data.length === 0} empty={<EmptyState title="No cost in this window" />}>
            {(d) => <CustomerTable rows={d.data} search={search} filename={filename} />}
          </QueryState>
        ) : (
          <QueryState query={byAccountRole} isEmpty={(d) => d.data.length === 0} empty={<EmptyState title="No cost for this customer in this window" />}>
            {(d) => <AccountRoleTable rows={d.data} search={search} filename={filename} />}
          </QueryState>
        )}
      </Card>
    </div>
  );
}
