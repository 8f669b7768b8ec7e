/** A date window [start, end) with presets; the inputs show the last day included (end − 1). */
import { CalendarDays } from "lucide-react";
import { addDays, matchingPreset, PRESETS, presetWindow, type PresetId, type Window } from "../lib/dates";
import { Segmented } from "./ui";

/** `dataEnd`: where the presets end (the day after the last day with cost data, useDataEnd). */
export function WindowPicker({
  value,
  dataEnd,
  onChange,
  idPrefix = "window",
}: {
  value: Window;
  dataEnd: string;
  onChange: (w: Window) => void;
  idPrefix?: string;
}) {
  const preset = matchingPreset(value, dataEnd);
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Segmented<PresetId>
        label="Date range presets"
        value={preset}
        options={PRESETS}
        onChange={(id) => onChange(presetWindow(id, dataEnd))}
      />
      <div className="inline-flex items-center gap-1.5 text-sm">
        <CalendarDays className="size-4 text-muted" aria-hidden="true" />
        <label htmlFor={`${idPrefix}-from`} className="sr-only">
          From
        </label>
        <input
          id={`${idPrefix}-from`}
          type="date"
          value={value.start}
          max={addDays(value.end, -1)}
          onChange={(event) => event.target.value && onChange({ start: event.target.value, end: value.end })}
          className="h-8 rounded-md border border-border bg-card px-2 text-sm text-fg"
        />
        <span className="text-muted" aria-hidden="true">
          –
        </span>
        <label htmlFor={`${idPrefix}-to`} className="sr-only">
          To (last day included)
        </label>
        <input
          id={`${idPrefix}-to`}
          type="date"
          value={addDays(value.end, -1)}
          min={value.start}
          onChange={(event) => event.target.value && onChange({ start: value.start, end: addDays(event.target.value, 1) })}
          className="h-8 rounded-md border border-border bg-card px-2 text-sm text-fg"
        />
      </div>
    </div>
  );
}
