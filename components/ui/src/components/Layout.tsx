import { Link, Outlet, useRouterState } from "@tanstack/react-router";
import { BarChart3, Boxes, GitCompareArrows, LayoutDashboard, Moon, Network, Sun } from "lucide-react";
import { useEffect, useState } from "react";
import { useHealth } from "../lib/queries";
import { currentTheme, setTheme, storedTheme, systemTheme, applyTheme, type Theme } from "../lib/theme";
import { cn } from "../lib/cn";

const NAV = [
  { to: "/", label: "Dashboard", icon: LayoutDashboard },
  { to: "/delta", label: "Delta", icon: GitCompareArrows },
  { to: "/costs", label: "Costs", icon: BarChart3 },
  { to: "/resources", label: "Resources", icon: Boxes },
  { to: "/hierarchy", label: "Hierarchy", icon: Network },
] as const;

function ThemeToggle() {
  const [theme, setState] = useState<Theme>(currentTheme);
  useEffect(() => {
    // Follow the system while the user has not chosen.
    const media = matchMedia("(prefers-color-scheme: dark)");
    const onChange = () => {
      if (storedTheme() === null) {
        applyTheme(systemTheme());
        setState(systemTheme());
      }
    };
    media.addEventListener("change", onChange);
    return () => media.removeEventListener("change", onChange);
  }, []);
  const next: Theme = theme === "dark" ? "light" : "dark";
  return (
    <button
      type="button"
      onClick={() => {
        setTheme(next);
        setState(next);
      }}
      aria-label={`Switch to ${next} theme`}
      title={`Switch to ${next} theme`}
      data-testid="theme-toggle"
      className="inline-flex size-8 items-center justify-center rounded-md border border-border bg-card hover:bg-subtle"
    >
      {theme === "dark" ? <Sun className="size-4" aria-hidden="true" /> : <Moon className="size-4" aria-hidden="true" />}
    </button>
  );
}

function HealthDot() {
  const health = useHealth();
  const state = health.isPending ? "checking" : health.isError ? "unreachable" : health.data.status;
  const color = state === "ok" ? "bg-emerald-500" : state === "degraded" ? "bg-amber-500" : state === "checking" ? "bg-slate-400" : "bg-red-500";
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-muted" data-testid="api-health">
      <span className={cn("inline-block size-2 rounded-full", color)} aria-hidden="true" />
      API {state}
    </span>
  );
}

export function Layout() {
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-card focus:px-3 focus:py-2">
        Skip to content
      </a>
      <header className="sticky top-0 z-20 border-b border-border bg-card/95 backdrop-blur">
        <div className="mx-auto flex h-14 max-w-[1400px] items-center gap-6 px-4">
          <Link to="/" className="flex items-center gap-2 font-semibold">
            <span className="inline-block size-5 rounded-full border-[5px] border-accent" aria-hidden="true" />
            Polo
          </Link>
          <nav aria-label="Main" className="flex items-center gap-1 overflow-x-auto">
            {NAV.map(({ to, label, icon: Icon }) => {
              const active = to === "/" ? pathname === "/" : pathname.startsWith(to);
              return (
                <Link
                  key={to}
                  to={to}
                  aria-current={active ? "page" : undefined}
                  className={cn(
                    "inline-flex h-8 items-center gap-1.5 rounded-md px-3 text-sm text-muted hover:bg-subtle hover:text-fg",
                    active && "bg-accent-soft font-medium text-fg",
                  )}
                >
                  <Icon className="size-4" aria-hidden="true" />
                  {label}
                </Link>
              );
            })}
          </nav>
          <div className="ml-auto flex items-center gap-3">
            <HealthDot />
            <ThemeToggle />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-[1400px] px-4 py-6">
        <Outlet />
      </main>
    </div>
  );
}

export function PageHeader({ title, description, actions }: { title: string; description?: string; actions?: React.ReactNode }) {
  return (
    <div className="mb-5 flex flex-wrap items-end justify-between gap-3">
      <div>
        <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
        {description ? <p className="mt-1 text-sm text-muted">{description}</p> : null}
      </div>
      {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
    </div>
  );
}

export function NotFound() {
  return (
    <div className="py-16 text-center">
      <h1 className="text-xl font-semibold">Page not found</h1>
      <p className="mt-2 text-sm text-muted">
        <Link to="/" className="text-accent underline">
          Back to the dashboard
        </Link>
      </p>
    </div>
  );
}
