/** A TanStack Table rendered with the theme: sortable headers as buttons, aria-sort, numbers right. */
import { flexRender, type Row, type Table } from "@tanstack/react-table";
import { ArrowDown, ArrowUp, ArrowUpDown, ChevronDown, ChevronRight } from "lucide-react";
import { cn } from "../lib/cn";

export interface ColumnMeta {
  numeric?: boolean;
  /** CSV header for exports (defaults to the column id). */
  csv?: string;
}

export function DataTable<T>({
  table,
  label,
  onRowClick,
  rowLabel,
  isSelected,
  testId,
  maxHeight,
}: {
  table: Table<T>;
  label: string;
  onRowClick?: (row: Row<T>) => void;
  rowLabel?: (row: Row<T>) => string;
  /** Marks the selected rows (aria-selected); without it no row has the attribute. */
  isSelected?: (row: Row<T>) => boolean;
  testId?: string;
  /** Scroll the body within this height (header stays visible). */
  maxHeight?: string;
}) {
  return (
    <div className={cn("overflow-x-auto", maxHeight && "overflow-y-auto")} style={maxHeight ? { maxHeight } : undefined}>
      <table className="w-full border-collapse text-sm" aria-label={label} data-testid={testId}>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} className="border-b border-border">
              {group.headers.map((header) => {
                const meta = header.column.columnDef.meta as ColumnMeta | undefined;
                const sorted = header.column.getIsSorted();
                const canSort = header.column.getCanSort();
                const content = header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext());
                return (
                  <th
                    key={header.id}
                    scope="col"
                    aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                    className={cn(
                      "sticky top-0 z-10 bg-card px-3 py-2 text-xs font-semibold whitespace-nowrap text-muted",
                      meta?.numeric ? "text-right" : "text-left",
                    )}
                  >
                    {canSort ? (
                      <button
                        type="button"
                        onClick={header.column.getToggleSortingHandler()}
                        className={cn("inline-flex items-center gap-1 hover:text-fg", meta?.numeric && "flex-row-reverse")}
                      >
                        {content}
                        {sorted === "asc" ? (
                          <ArrowUp className="size-3" aria-hidden="true" />
                        ) : sorted === "desc" ? (
                          <ArrowDown className="size-3" aria-hidden="true" />
                        ) : (
                          <ArrowUpDown className="size-3 opacity-50" aria-hidden="true" />
                        )}
                      </button>
                    ) : (
                      content
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr
              key={row.id}
              data-row-id={row.id}
              aria-selected={isSelected?.(row)}
              className={cn(
                "border-b border-border last:border-0",
                row.getIsGrouped() && "bg-subtle font-medium",
                onRowClick && "cursor-pointer hover:bg-subtle",
                isSelected?.(row) && "bg-accent-soft",
              )}
              onClick={onRowClick ? () => onRowClick(row) : undefined}
              aria-label={rowLabel?.(row)}
            >
              {row.getVisibleCells().map((cell) => {
                const meta = cell.column.columnDef.meta as ColumnMeta | undefined;
                return (
                  <td key={cell.id} className={cn("px-3 py-2", meta?.numeric ? "num" : "text-left")}>
                    {cell.getIsGrouped() ? (
                      <button
                        type="button"
                        onClick={(event) => {
                          event.stopPropagation();
                          row.toggleExpanded();
                        }}
                        aria-expanded={row.getIsExpanded()}
                        className="inline-flex items-center gap-1"
                      >
                        {row.getIsExpanded() ? (
                          <ChevronDown className="size-3.5" aria-hidden="true" />
                        ) : (
                          <ChevronRight className="size-3.5" aria-hidden="true" />
                        )}
                        {flexRender(cell.column.columnDef.cell, cell.getContext())}
                        <span className="text-xs text-muted">({row.subRows.length})</span>
                      </button>
                    ) : cell.getIsAggregated() ? (
                      flexRender(cell.column.columnDef.aggregatedCell ?? cell.column.columnDef.cell, cell.getContext())
                    ) : cell.getIsPlaceholder() ? null : (
                      flexRender(cell.column.columnDef.cell, cell.getContext())
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
