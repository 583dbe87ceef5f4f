// Imports a history file into `commands`. Filters and secret redaction apply as to captured
// commands. One transaction for the whole file: an import that fails part-way leaves the store as
// it was. What counts as already imported:
//   - an entry the source identifies (atuin's id) is keyed by that id;
//   - an entry with a timestamp is keyed by shell, timestamp, text and occurrence (see entryKey),
//     which survives appends, rotations and rewrites;
//   - an entry without one is placed by the overlap rule (import/overlap.ts) against the tail of
//     the previous import of the same path; without such state (first import, or a store from
//     before the state existed) it is keyed like a timestamped one, by text and occurrence.
import type { Db } from '../db/open.js';
import { writeTx } from '../db/tx.js';
import { redactString } from '../redact/index.js';
import type { HistoryFilter } from './filters.js';
import { entryKey, parseHistory, sequenceKey, sourceIdKey, withOccurrences, type HistoryEntry, type HistoryFormatName, type ImportWarning } from './import/index.js';
import { resumeAt } from './import/overlap.js';
import { entryDigest, TAIL } from './import/state.js';
import { ImportStateStore } from './store/imports.js';
import { TimeCheck } from './import/time.js';
import { ShellStore, type CommandRecord } from './store/commands.js';

/** Progress is reported (and aggregates folded) per batch. */
const BATCH = 10_000;
/** The report lists this many warnings; `warning_count` has them all. */
const MAX_WARNINGS = 100;

export interface ImportHistoryReport {
  file: string;
  shell: HistoryFormatName;
  entries: number;
  added: number;
  already_present: number;
  filtered: number;
  /** Input that was repaired rather than imported as written (e.g. an implausible timestamp). */
  warning_count: number;
  warnings: ImportWarning[];
}

export interface ImportHistoryOptions {
  db: Db;
  /** Absolute path: names the file's import state. */
  file: string;
  data: Buffer;
  shell: HistoryFormatName | 'auto';
  filter: HistoryFilter;
  /** Entries without a timestamp are placed just before this time (the file's mtime), in file order. */
  fallbackTs: number;
  now: number;
  onProgress?: (done: number, total: number) => void;
}

export function importHistory(o: ImportHistoryOptions): ImportHistoryReport {
  const { shell, entries, warnings } = parseHistory(o.data, o.shell, o.file, o.now);
  const keyed = withOccurrences(entries);
  const store = new ShellStore(o.db);
  const states = new ImportStateStore(o.db);
  const report: ImportHistoryReport = {
    file: o.file,
    shell,
    entries: entries.length,
    added: 0,
    already_present: 0,
    filtered: 0,
    warning_count: warnings.length,
    warnings: warnings.slice(0, MAX_WARNINGS),
  };
  // An mtime from a bad clock or an unpacked archive must not place entries outside the sane range.
  const time = new TimeCheck(o.now);
  const fallback = time.plausible(o.fallbackTs - entries.length) && time.plausible(o.fallbackTs) ? o.fallbackTs : o.now;

  writeTx(o.db, () => {
    const state = states.get(o.file, shell);
    const untimed = entries.some((e) => e.ts === null && e.id === undefined);
    // Digests of the whole file only when the overlap rule has something to place.
    const digests = state && untimed ? entries.map(entryDigest) : null;
    const start = state && digests ? resumeAt(state.tail, digests, state.entries) : 0;

    const key = (entry: HistoryEntry, occurrence: number): string | null => {
      if (entry.id !== undefined) return sourceIdKey(shell, entry.id);
      if (entry.ts !== null || !state) return entryKey(shell, entry, occurrence);
      if (entry.index < start) return null; // imported before
      return sequenceKey(shell, state.stream, state.next_seq + entry.index - start);
    };

    for (let i = 0; i < keyed.length; i += BATCH) {
      const records: CommandRecord[] = [];
      const batch = keyed.slice(i, i + BATCH);
      // Judged in one go: user patterns run under a time budget, cheap per line only in bulk.
      const verdicts = o.filter.rejectAll(batch.map(({ entry }) => ({ command: entry.command, cwd: entry.cwd ?? null })));
      for (const [j, { entry, occurrence }] of batch.entries()) {
        if (verdicts[j]) {
          report.filtered++;
          continue;
        }
        const uid = key(entry, occurrence);
        if (uid === null) {
          report.already_present++;
          continue;
        }
        records.push(record(entry, uid));
      }
      const added = store.insert(records);
      report.added += added.length;
      report.already_present += records.length - added.length;
      o.onProgress?.(Math.min(i + BATCH, keyed.length), keyed.length);
    }

    const tail = digests ? digests.slice(-TAIL) : entries.slice(-TAIL).map(entryDigest);
    const next_seq = (state?.next_seq ?? 0) + (state ? entries.length - start : 0);
    states.save(o.file, shell, { stream: state?.stream, next_seq, entries: entries.length, tail }, o.now);
  });
  return report;

  function record(entry: HistoryEntry, uid: string): CommandRecord {
    return {
      uid: `import:${uid}`,
      command: redactString(entry.command),
      cwd: entry.cwd ?? null,
      git_root: null,
      exit_code: entry.exit_code ?? null,
      ts: entry.ts ?? fallback - (entries.length - entry.index),
      duration_ms: entry.duration_ms,
      session: entry.session ?? null,
      shell: entry.shell !== undefined ? entry.shell : shell,
      host: entry.host ?? null,
      user: entry.user ?? null,
      source: `import:${shell}`,
    };
  }
}
