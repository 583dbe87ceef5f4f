// Imports a history file into `commands`: keyed per entry (see entryKey), so importing the same
// file twice adds nothing and a longer version of it adds only the new tail. Filters and secret
// redaction apply as to captured commands. One transaction for the whole file: an import that
// fails part-way leaves the store as it was.
import type { Db } from '../db/open.js';
import { redactString } from '../redact/index.js';
import type { HistoryFilter } from './filters.js';
import { entryKey, parseHistory, withOccurrences, type HistoryFormatName, type ImportWarning } from './import/index.js';
import { TimeCheck } from './import/time.js';
import { ShellStore, type CommandRecord } from './store.js';

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
  o.db.transaction(() => {
    for (let i = 0; i < keyed.length; i += BATCH) insertBatch(i);
  })();
  return report;

  function insertBatch(i: number): void {
    const records: CommandRecord[] = [];
    for (const { entry, occurrence } of keyed.slice(i, i + BATCH)) {
      if (o.filter.reject(entry.command, null)) {
        report.filtered++;
        continue;
      }
      records.push({
        uid: `import:${entryKey(shell, entry, occurrence)}`,
        command: redactString(entry.command),
        cwd: null,
        git_root: null,
        exit_code: null,
        ts: entry.ts ?? fallback - (entries.length - entry.index),
        duration_ms: entry.duration_ms,
        session: null,
        shell,
        host: null,
        user: null,
        source: `import:${shell}`,
      });
    }
    const added = store.insert(records);
    report.added += added.length;
    report.already_present += records.length - added.length;
    o.onProgress?.(Math.min(i + BATCH, keyed.length), keyed.length);
  }
}
