import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Pager, pageStatus, type PageInfo } from "./Pager";

const page = (patch: Partial<PageInfo>): PageInfo => ({ limit: 100, offset: 0, has_more: true, next_offset: 100, total: 20_000, ...patch });

function renderPager(props: { offset: number; limit?: number; rows: number; page?: PageInfo; pending?: boolean }) {
  const onOffset = vi.fn<(offset: number) => void>();
  const onLimit = vi.fn<(limit: number) => void>();
  render(
    <Pager
      offset={props.offset}
      limit={props.limit ?? 100}
      rows={props.rows}
      page={props.page}
      pending={props.pending ?? false}
      sizes={[50, 100, 250, 1000]}
      noun="resources"
      onOffset={onOffset}
      onLimit={onLimit}
    />,
  );
  return { onOffset, onLimit };
}

describe("pageStatus", () => {
  it("says which rows are shown and of how many", () => {
    expect(pageStatus(100, 100, 20_000, "resources")).toBe("rows 101–200 of 20,000 resources");
    expect(pageStatus(19_950, 50, 20_000, "resources")).toBe("rows 19,951–20,000 of 20,000 resources");
  });

  it("says an unknown total without a number", () => {
    expect(pageStatus(0, 100, null, "resources")).toBe("rows 1–100; total number of resources unknown");
  });

  it("an empty page: none at all, or none from a row past the end", () => {
    expect(pageStatus(0, 0, 0, "resources")).toBe("0 resources");
    expect(pageStatus(500, 0, null, "resources")).toBe("no resources from row 501");
  });
});

describe("Pager", () => {
  it("first page: Previous off, Next goes to the API's next_offset", async () => {
    const { onOffset } = renderPager({ offset: 0, rows: 100, page: page({ next_offset: 100 }) });
    expect(screen.getByTestId("page-status")).toHaveTextContent("rows 1–100 of 20,000 resources");
    expect(screen.getByRole("button", { name: "Previous page" })).toBeDisabled();
    await userEvent.click(screen.getByRole("button", { name: "Next page" }));
    expect(onOffset).toHaveBeenCalledWith(100);
  });

  it("last page: Next off, Previous goes one page back and never below 0", async () => {
    const { onOffset } = renderPager({ offset: 60, rows: 40, page: page({ offset: 60, has_more: false, next_offset: null, total: 100 }) });
    expect(screen.getByRole("button", { name: "Next page" })).toBeDisabled();
    await userEvent.click(screen.getByRole("button", { name: "Previous page" }));
    expect(onOffset).toHaveBeenCalledWith(0);
  });

  it("rows per page offers the sizes and reports the one picked", async () => {
    const { onLimit } = renderPager({ offset: 0, rows: 100, page: page({}) });
    const select = screen.getByRole("combobox", { name: "Rows per page" });
    expect(select).toHaveValue("100");
    expect(Array.from((select as HTMLSelectElement).options, (o) => o.value)).toEqual(["50", "100", "250", "1000"]);
    await userEvent.selectOptions(select, "250");
    expect(onLimit).toHaveBeenCalledWith(250);
  });

  it("while a page loads the previous answer's Next is off and the status says so", () => {
    renderPager({ offset: 100, rows: 100, page: page({}), pending: true });
    expect(screen.getByTestId("page-status")).toHaveTextContent("Loading…");
    expect(screen.getByRole("button", { name: "Next page" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Previous page" })).toBeEnabled();
  });
});
