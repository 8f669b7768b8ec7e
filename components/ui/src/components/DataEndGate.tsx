/** Renders a page once it knows where its default windows end (useDataEnd), a skeleton until then. */
import type { ReactNode } from "react";
import { useDataEnd } from "../lib/queries";
import { PageHeader } from "./Layout";
import { Card, Skeleton } from "./ui";

export function DataEndGate({ title, children }: { title: string; children: (dataEnd: string) => ReactNode }) {
  const dataEnd = useDataEnd();
  if (dataEnd !== undefined) return children(dataEnd);
  // Asking for the default window before the last cost day is known would load it twice.
  return (
    <div aria-busy="true">
      <PageHeader title={title} />
      <Card className="p-4">
        <Skeleton className="h-6 w-48" />
        <Skeleton className="mt-4 h-[300px]" />
      </Card>
    </div>
  );
}
