import { useNavigate, useSearch } from "@tanstack/react-router";
import { ChevronDown, ChevronRight } from "lucide-react";
import { PageHeader } from "../components/Layout";
import { Money } from "../components/Money";
import { QueryState } from "../components/QueryState";
import { Card, CardHeader, EmptyState, LoadingRows, Select, Skeleton } from "../components/ui";
import { DataEndGate } from "../components/DataEndGate";
import { WindowPicker } from "../components/WindowPicker";
import { TrendChart } from "../components/charts";
import { nodeLabel, type TreeNode } from "../lib/api";
import { formatWindow, type Window } from "../lib/dates";
import { sumDecimals, toMicros } from "../lib/money";
import { customerColor } from "../lib/palette";
import { useHierarchyTree, useNodeTrend } from "../lib/queries";
import { cn } from "../lib/cn";
import { compact, type Hierarchy, type HierarchySearch } from "../search";
import { windowFrom } from "./Dashboard";

interface TreeContext {
  hierarchy: Hierarchy;
  window: Window;
  open: Set<string>;
  selected: string;
  toggle: (nodeId: string) => void;
  select: (nodeId: string) => void;
}

function isLeaf(node: TreeNode): boolean {
  return Number(node.descendants) === 0;
}

function Children({ nodeId, depth, ctx }: { nodeId: string; depth: number; ctx: TreeContext }) {
  const query = useHierarchyTree({ hierarchy: ctx.hierarchy, node_id: nodeId, ...ctx.window });
  if (query.isPending) return <LoadingRows rows={depth === 0 ? 6 : 2} label={`Loading children of ${nodeId || "the root"}`} />;
  if (query.isError)
    return (
      <QueryState query={query}>
        {() => null}
      </QueryState>
    );
  if (query.data.data.length === 0) return depth === 0 ? <EmptyState title="Nothing in this hierarchy for this window" /> : null;
  return (
    <ul role={depth === 0 ? "tree" : "group"} aria-label={depth === 0 ? `${ctx.hierarchy} hierarchy` : undefined} className={cn(depth > 0 && "ml-5 border-l border-border")}>
      {query.data.data.map((node) => (
        <TreeItem key={node.node_id} node={node} depth={depth} ctx={ctx} />
      ))}
    </ul>
  );
}

function TreeItem({ node, depth, ctx }: { node: TreeNode; depth: number; ctx: TreeContext }) {
  const leaf = isLeaf(node);
  const expanded = ctx.open.has(node.node_id);
  const selected = ctx.selected === node.node_id;
  const customer = node.node_id.startsWith("customer:") ? node.node_id : null;
  return (
    <li role="treeitem" aria-expanded={leaf ? undefined : expanded} aria-selected={selected} data-node-id={node.node_id}>
      <div className={cn("flex items-center gap-1 rounded-md py-1 pr-2 pl-1 text-sm hover:bg-subtle", selected && "bg-accent-soft")}>
        {leaf ? (
          <span className="inline-block size-6" aria-hidden="true" />
        ) : (
          <button
            type="button"
            onClick={() => ctx.toggle(node.node_id)}
            aria-label={`${expanded ? "Collapse" : "Expand"} ${nodeLabel(node.node_id)}`}
            className="inline-flex size-6 items-center justify-center rounded hover:bg-card"
            data-testid="tree-toggle"
          >
            {expanded ? <ChevronDown className="size-4" aria-hidden="true" /> : <ChevronRight className="size-4" aria-hidden="true" />}
          </button>
        )}
        <button type="button" onClick={() => ctx.select(node.node_id)} className="flex min-w-0 flex-1 items-center gap-2 text-left" data-testid="tree-select" title={node.node_id}>
          {customer ? <span className="inline-block size-2.5 shrink-0 rounded-full" style={{ background: customerColor(customer) }} aria-hidden="true" /> : null}
          <span className={cn("truncate", !node.present_as_of && "text-muted line-through")} title={node.present_as_of ? undefined : "gone by the as-of day (had cost in the window)"}>
            {nodeLabel(node.node_id)}
          </span>
          <span className="shrink-0 text-xs text-muted">{node.node_type}</span>
          <span className="ml-auto shrink-0 pl-3 tabular-nums">
            <Money value={node.effective_cost} />
          </span>
        </button>
      </div>
      {expanded && !leaf ? <Children nodeId={node.node_id} depth={depth + 1} ctx={ctx} /> : null}
    </li>
  );
}

function TrendPanel({ hierarchy, nodeId, window }: { hierarchy: Hierarchy; nodeId: string; window: Window }) {
  const trend = useNodeTrend({ hierarchy, node_id: nodeId, ...window });
  const label = nodeId ? nodeLabel(nodeId) : "The whole organisation";
  return (
    <Card className="lg:sticky lg:top-20" data-testid="trend-panel">
      <CardHeader title={<span title={nodeId}>{label}</span>} description={`Daily effective cost, ${formatWindow(window)}${nodeId ? ` · ${nodeId}` : ""}`} />
      <QueryState
        query={trend}
        loading={<Skeleton className="m-4 h-[260px]" />}
        isEmpty={(d) => d.data.every((row) => toMicros(row.effective_cost) === 0n)}
        empty={<EmptyState title="No cost for this node in this window" />}
      >
        {(d) => (
          <div className="p-2">
            <p className="px-3 pt-1 text-sm text-muted">
              Total <Money value={sumDecimals(d.data.map((row) => row.effective_cost))} className="font-semibold text-fg" data-testid="trend-total" />
            </p>
            <TrendChart label={`Daily cost of ${label}`} rows={d.data as unknown as Record<string, unknown>[]} series={[{ key: "effective_cost", label: "Effective cost", color: nodeId.startsWith("customer:") ? customerColor(nodeId) : "#2563eb" }]} height={260} />
          </div>
        )}
      </QueryState>
    </Card>
  );
}

export function HierarchyPage() {
  return <DataEndGate title="Hierarchy">{(dataEnd) => <HierarchyView dataEnd={dataEnd} />}</DataEndGate>;
}

function HierarchyView({ dataEnd }: { dataEnd: string }) {
  const search: HierarchySearch = useSearch({ from: "/hierarchy" });
  const navigate = useNavigate({ from: "/hierarchy" });
  const window = windowFrom(search, dataEnd);
  const hierarchy = search.hierarchy ?? "logical";
  const open = new Set(search.open ?? []);
  const selected = search.node ?? "";
  const ctx: TreeContext = {
    hierarchy,
    window,
    open,
    selected,
    toggle: (nodeId) => {
      const next = new Set(open);
      if (next.has(nodeId)) next.delete(nodeId);
      else next.add(nodeId);
      void navigate({ search: compact({ ...search, open: next.size ? [...next] : undefined }) });
    },
    select: (nodeId) => void navigate({ search: compact({ ...search, node: nodeId }) }),
  };
  return (
    <div>
      <PageHeader
        title="Hierarchy"
        description="Who owns what (logical) and where it runs (physical), with each node's cost over the window."
        actions={
          <>
            <Select label="Hierarchy" value={hierarchy} onChange={(e) => void navigate({ search: compact({ ...search, hierarchy: e.target.value as Hierarchy, open: undefined, node: undefined }) })}>
              <option value="logical">Logical</option>
              <option value="physical">Physical</option>
            </Select>
            <WindowPicker value={window} dataEnd={dataEnd} onChange={(w) => void navigate({ search: compact({ ...search, start: w.start, end: w.end }) })} />
          </>
        }
      />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        <Card>
          <CardHeader
            title={hierarchy === "logical" ? "Customer → cluster → role → resource" : "Account → region → VPC → subnet → resource"}
            description="Expand a node for its children; pick one for its cost trend"
            actions={
              selected ? (
                <button type="button" className="text-xs text-accent underline" onClick={() => ctx.select("")}>
                  Show the whole organisation
                </button>
              ) : null
            }
          />
          <div className="max-h-[70vh] overflow-y-auto p-2" data-testid="tree">
            <Children nodeId="" depth={0} ctx={ctx} />
          </div>
        </Card>
        <TrendPanel hierarchy={hierarchy} nodeId={selected} window={window} />
      </div>
    </div>
  );
}
