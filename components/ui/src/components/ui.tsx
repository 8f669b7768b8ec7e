/** shadcn/ui-style primitives: small, unstyled-logic components themed by CSS variables. */
import { AlertTriangle, Inbox, KeyRound, PlugZap, RefreshCw } from "lucide-react";
import type { ButtonHTMLAttributes, HTMLAttributes, ReactNode, SelectHTMLAttributes, InputHTMLAttributes } from "react";
import { ApiError } from "../lib/api";
import { cn } from "../lib/cn";

export function Card({ className, ...props }: HTMLAttributes<HTMLDivElement>) {
  return <div className={cn("rounded-xl border border-border bg-card shadow-sm", className)} {...props} />;
}

export function CardHeader({ title, description, actions }: { title: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="flex flex-wrap items-start justify-between gap-3 border-b border-border px-4 py-3">
      <div className="min-w-0">
        <h2 className="text-sm font-semibold">{title}</h2>
        {description ? <p className="mt-0.5 text-xs text-muted">{description}</p> : null}
      </div>
      {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
    </div>
  );
}

type Variant = "primary" | "secondary" | "ghost";

export function Button({ className, variant = "secondary", ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return (
    <button
      type="button"
      className={cn(
        "inline-flex h-8 items-center gap-1.5 rounded-md px-3 text-sm font-medium transition-colors disabled:cursor-not-allowed disabled:opacity-50",
        variant === "primary" && "bg-accent text-accent-fg hover:opacity-90",
        variant === "secondary" && "border border-border bg-card text-fg hover:bg-subtle",
        variant === "ghost" && "text-fg hover:bg-subtle",
        className,
      )}
      {...props}
    />
  );
}

export function Select({ className, label, children, ...props }: SelectHTMLAttributes<HTMLSelectElement> & { label: string }) {
  return (
    <label className="inline-flex items-center gap-2 text-sm">
      <span className="text-muted">{label}</span>
      <select
        className={cn("h-8 rounded-md border border-border bg-card px-2 text-sm text-fg", className)}
        {...props}
      >
        {children}
      </select>
    </label>
  );
}

export function TextInput({ className, label, ...props }: InputHTMLAttributes<HTMLInputElement> & { label: string }) {
  return (
    <label className="inline-flex flex-col gap-1 text-xs">
      <span className="text-muted">{label}</span>
      <input
        className={cn("h-8 rounded-md border border-border bg-card px-2 text-sm text-fg placeholder:text-muted", className)}
        {...props}
      />
    </label>
  );
}

/** A segmented control of exclusive choices (radio semantics, keyboard reachable). */
export function Segmented<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T | null;
  options: { id: T; label: string }[];
  onChange: (id: T) => void;
}) {
  return (
    <div role="group" aria-label={label} className="inline-flex rounded-md border border-border bg-card p-0.5">
      {options.map((option) => (
        <button
          key={option.id}
          type="button"
          aria-pressed={value === option.id}
          onClick={() => onChange(option.id)}
          className={cn(
            "h-7 rounded px-2.5 text-xs font-medium text-muted hover:text-fg",
            value === option.id && "bg-accent-soft text-fg",
          )}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}

export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden="true" className={cn("animate-pulse rounded-md bg-subtle", className)} />;
}

export function LoadingRows({ rows = 6, label = "Loading" }: { rows?: number; label?: string }) {
  return (
    <div role="status" aria-label={label} className="space-y-2 p-4">
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} className="h-6 w-full" />
      ))}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="flex flex-col items-center justify-center gap-2 px-4 py-10 text-center" data-testid="empty-state">
      <Inbox className="size-6 text-muted" aria-hidden="true" />
      <p className="text-sm font-medium">{title}</p>
      {children ? <p className="max-w-md text-sm text-muted">{children}</p> : null}
    </div>
  );
}

/** What went wrong, in words: the API's own message for a 400, a hint for the rest. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const apiError = error instanceof ApiError ? error : null;
  const kind = apiError?.kind ?? "server";
  const Icon = kind === "unavailable" ? PlugZap : kind === "auth" ? KeyRound : AlertTriangle;
  const title =
    kind === "unavailable"
      ? "The API is not reachable"
      : kind === "bad_request"
        ? "The API rejected this request"
        : kind === "auth"
          ? "Not signed in, or no access"
          : kind === "not_found"
            ? "Not found"
            : "Something went wrong";
  const hint =
    kind === "unavailable"
      ? "Check that the stack runs (./pants polo-up) and try again."
      : kind === "auth"
        ? "Your Cloudflare Access session may have expired: reload the page to sign in again."
        : kind === "bad_request"
          ? "Change the parameters above (they are in the page's URL too)."
          : null;
  const message = apiError?.message ?? (error instanceof Error ? error.message : "Unexpected error.");
  return (
    <div role="alert" className="m-4 rounded-lg border border-border bg-danger-bg p-4 text-danger-fg" data-testid="error-state" data-kind={kind}>
      <div className="flex items-start gap-3">
        <Icon className="mt-0.5 size-5 shrink-0" aria-hidden="true" />
        <div className="min-w-0 flex-1">
          <p className="text-sm font-semibold">{title}</p>
          <p className="mt-1 text-sm break-words">{message}</p>
          {hint ? <p className="mt-1 text-xs opacity-90">{hint}</p> : null}
          {apiError && apiError.status > 0 ? (
            <p className="mt-1 text-xs opacity-80">
              HTTP {apiError.status} · {apiError.code}
            </p>
          ) : null}
        </div>
        {onRetry ? (
          <Button onClick={onRetry} className="shrink-0">
            <RefreshCw className="size-3.5" aria-hidden="true" /> Retry
          </Button>
        ) : kind === "auth" ? (
          <Button onClick={() => window.location.reload()}>Reload</Button>
        ) : null}
      </div>
    </div>
  );
}

export function Badge({ className, ...props }: HTMLAttributes<HTMLSpanElement>) {
  return (
    <span
      className={cn("inline-flex items-center rounded-full border border-border px-2 py-0.5 text-xs font-medium text-muted", className)}
      {...props}
    />
  );
}
