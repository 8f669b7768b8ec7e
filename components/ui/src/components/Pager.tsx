import { ChevronLeft, ChevronRight } from "lucide-react";
import type { ApiResponse } from "../lib/api";
import { formatCount } from "../lib/money";
import { Button, Select } from "./ui";

/** The `page` block of a paged API answer. */
export type PageInfo = NonNullable<ApiResponse<unknown>["page"]>;

/**
 * What the pager says about the rows shown: "rows 101–200 of 20,000 resources". The API's total
 * can be null (not counted); the range is still exact, so it is said without a number.
 */
export function pageStatus(offset: number, rows: number, total: number | null, noun: string): string {
  if (rows === 0) return offset > 0 ? `no ${noun} from row ${formatCount(offset + 1)}` : `0 ${noun}`;
  const range = `rows ${formatCount(offset + 1)}–${formatCount(offset + rows)}`;
  return total === null ? `${range}; total number of ${noun} unknown` : `${range} of ${formatCount(total)} ${noun}`;
}

/**
 * Server-side paging under a table: status, rows per page, Previous and Next. Offsets and the
 * page size live in the page's URL, so the pager only reports what the user asked for. Next
 * follows the API's `next_offset`; while a page loads (`pending`, the previous answer still on
 * screen) the status says so and Next is off, since the `page` block shown is the previous page's.
 */
export function Pager({
  offset,
  limit,
  rows,
  page,
  pending,
  sizes,
  noun,
  onOffset,
  onLimit,
}: {
  offset: number;
  limit: number;
  /** Rows on the page shown. */
  rows: number;
  /** The answer's `page` block; undefined while it loads. */
  page: PageInfo | undefined;
  pending: boolean;
  sizes: readonly number[];
  /** What the rows are, plural ("resources"). */
  noun: string;
  onOffset: (offset: number) => void;
  onLimit: (limit: number) => void;
}) {
  const nextOffset = !pending && page?.has_more ? (page.next_offset ?? offset + limit) : null;
  return (
    <div className="flex flex-wrap items-center justify-between gap-2 border-t border-border px-4 py-2 text-sm" data-testid="pager">
      <span className="text-muted" data-testid="page-status" aria-live="polite">
        {pending ? "Loading…" : page ? pageStatus(offset, rows, page.total, noun) : ""}
      </span>
      <div className="flex items-center gap-2">
        <Select label="Rows per page" value={String(limit)} onChange={(e) => onLimit(Number(e.target.value))}>
          {sizes.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </Select>
        <Button disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))} aria-label="Previous page">
          <ChevronLeft className="size-4" aria-hidden="true" /> Previous
        </Button>
        <Button disabled={nextOffset === null} onClick={() => nextOffset !== null && onOffset(nextOffset)} aria-label="Next page">
          Next <ChevronRight className="size-4" aria-hidden="true" />
        </Button>
      </div>
    </div>
  );
}
