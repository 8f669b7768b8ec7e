import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { ApiError } from "../lib/api";
import { customerColor, UNATTRIBUTED_COLOR } from "../lib/palette";
import { Waterfall } from "./charts";
import { Money } from "./Money";
import { QueryState } from "./QueryState";
import { ErrorState } from "./ui";

function withClient(children: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

function Probe({ fn, empty }: { fn: () => Promise<string[]>; empty?: boolean }) {
  const query = useQuery({ queryKey: ["probe", String(fn)], queryFn: fn });
  return (
    <QueryState query={query} isEmpty={empty ? (d) => d.length === 0 : undefined}>
      {(data) => <ul>{data.map((item) => <li key={item}>{item}</li>)}</ul>}
    </QueryState>
  );
}

describe("QueryState", () => {
  it("shows a skeleton, then the data", async () => {
    render(withClient(<Probe fn={async () => ["acme", "globex"]} />));
    expect(screen.getByRole("status")).toBeInTheDocument();
    expect(await screen.findByText("globex")).toBeInTheDocument();
  });

  it("shows an empty state", async () => {
    render(withClient(<Probe fn={async () => []} empty />));
    expect(await screen.findByTestId("empty-state")).toHaveTextContent("Nothing here for this window");
  });

  it("shows the API's message for a 400 and retries on request", async () => {
    let calls = 0;
    const fn = async () => {
      calls += 1;
      if (calls === 1) throw new ApiError("bad_request", 400, "bad_request", "window > 366 days");
      return ["ok-now"];
    };
    render(withClient(<Probe fn={fn} />));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The API rejected this request");
    expect(alert).toHaveTextContent("window > 366 days");
    expect(alert).toHaveTextContent("HTTP 400");
    await userEvent.click(screen.getByRole("button", { name: /retry/i }));
    expect(await screen.findByText("ok-now")).toBeInTheDocument();
  });
});

describe("ErrorState", () => {
  it("explains an unreachable API and an Access refusal", () => {
    const { rerender } = render(<ErrorState error={new ApiError("unavailable", 0, "network", "The Polo API cannot be reached.")} />);
    expect(screen.getByRole("alert")).toHaveTextContent("The API is not reachable");
    expect(screen.getByRole("alert")).toHaveTextContent("polo-up");
    rerender(<ErrorState error={new ApiError("auth", 403, "forbidden", "wrong audience")} />);
    expect(screen.getByRole("alert")).toHaveTextContent("Not signed in, or no access");
    expect(screen.getByRole("button", { name: "Reload" })).toBeInTheDocument();
  });
});

describe("Money", () => {
  it("renders exact cents, the raw decimal as its title, and colours deltas", () => {
    render(
      <>
        <Money value="1234.565" />
        <Money value="-3.1" delta />
      </>,
    );
    expect(screen.getByText("$1,234.57")).toHaveAttribute("title", "1234.565");
    expect(screen.getByText("−$3.10")).toHaveClass("text-down");
  });
});

describe("palette", () => {
  it("gives each customer a stable colour and unattributed grey", () => {
    expect(customerColor("acme")).toBe(customerColor("customer:acme"));
    expect(customerColor("unattributed")).toBe(UNATTRIBUTED_COLOR);
    const demo = ["acme", "globex", "hooli", "initech", "stark", "umbrella"].map(customerColor);
    expect(new Set(demo).size).toBe(demo.length);
  });
});

describe("Waterfall", () => {
  it("renders a bar per step at a fixed size (ResponsiveContainer measures nothing in jsdom)", () => {
    const { container } = render(
      <Waterfall
        width={600}
        steps={[
          { label: "Total A", value: "100", total: true },
          { label: "Created", value: "20" },
          { label: "Removed", value: "-5" },
          { label: "Total B", value: "115", total: true },
        ]}
      />,
    );
    expect(screen.getByTestId("waterfall")).toHaveAccessibleName("Waterfall: Total A $100.00, Created +$20.00, Removed −$5.00, Total B $115.00");
    expect(container.querySelectorAll(".recharts-bar-rectangle").length).toBeGreaterThanOrEqual(4);
  });
});
