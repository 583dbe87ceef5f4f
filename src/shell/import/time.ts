// Which recorded times an import believes. A history file is hand-editable and tools write odd
// things into it (milliseconds where seconds belong, a 20-digit number); one bad value must neither
// abort the import nor reach the store, where a time outside JavaScript's Date range breaks every
// later read. The rule:
//   - plausible means 1990-01-01 .. now + 1 day;
//   - a value is read in the unit the format writes (seconds; nanoseconds for atuin);
//   - a seconds value that is implausible but plausible as milliseconds (13 digits today) is read
//     as milliseconds, with a warning;
//   - anything else keeps its command, takes the time of the previous timestamped entry (else the
//     next one, else none: then it is placed like an entry without a time), with a warning.
import type { HistoryEntry, ImportWarning } from './types.js';

export const MIN_TS = Date.UTC(1990, 0, 1);
const DAY = 86_400_000;
/** Longer than any command plausibly runs; a bigger duration is dropped (kept unknown). */
const MAX_DURATION_MS = 366 * DAY;

/** Marks an entry whose recorded time was unusable until `settle` gives it a neighbour's. */
const UNUSABLE = Number.NaN;

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export class TimeCheck {
  readonly warnings: ImportWarning[] = [];
  readonly max: number;

  constructor(now: number) {
    this.max = now + DAY;
  }

  plausible(ms: number): boolean {
    return Number.isFinite(ms) && ms >= MIN_TS && ms <= this.max;
  }

  /** A start time written in seconds (zsh, bash, fish); epoch ms, or UNUSABLE after a warning. */
  seconds(raw: string, line: number): number {
    const n = Number(raw);
    if (this.plausible(n * 1000)) return n * 1000;
    if (Number.isInteger(n) && this.plausible(n)) {
      this.warn(line, `timestamp ${raw} read as milliseconds (not plausible as seconds)`);
      return n;
    }
    return this.unusable(raw, line);
  }

  /** A start time already converted to epoch ms from some other unit; `raw` is what the source held. */
  checked(ms: number, raw: string, line: number): number {
    return this.plausible(ms) ? Math.floor(ms) : this.unusable(raw, line);
  }

  /** A duration in ms, or null (unknown) after a warning when it is negative or absurd. */
  duration(ms: number, raw: string, line: number): number | null {
    if (Number.isFinite(ms) && ms >= 0 && ms <= MAX_DURATION_MS) return Math.round(ms);
    this.warn(line, `duration ${raw} is not plausible; imported without a duration`);
    return null;
  }

  warn(line: number, message: string): void {
    this.warnings.push({ line, message });
  }

  private unusable(raw: string, line: number): number {
    const shown = raw.length > 40 ? `${raw.slice(0, 40)}...` : raw;
    this.warn(line, `timestamp ${shown} is not a plausible time (${day(MIN_TS)} .. ${day(this.max)}); the entry takes its neighbour's time`);
    return UNUSABLE;
  }

  /** Gives each entry marked UNUSABLE the previous recorded time, else the next, else none. */
  settle(entries: HistoryEntry[]): HistoryEntry[] {
    let previous: number | null = null;
    let waiting: HistoryEntry[] = [];
    for (const e of entries) {
      if (e.ts === null) continue;
      if (Number.isNaN(e.ts)) {
        if (previous !== null) e.ts = previous;
        else waiting.push(e);
        continue;
      }
      previous = e.ts;
      for (const w of waiting) w.ts = previous;
      waiting = [];
    }
    for (const w of waiting) w.ts = null;
    return entries;
  }
}
