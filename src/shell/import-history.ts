// Imports a history file into `commands`: keyed per entry (see entryKey), so importing the same
// file twice adds nothing and a longer version of it adds only the new tail. Filters and secret
// redaction apply as to captured commands.
import type { Db } from '../db/open.js';
import { inSlices } from '../db/tx.js';
import { isStoreBusy, MemError } from '../errors.js';
import { redactString } from '../redact/index.js';
import type { HistoryFilter } from './filters.js';
import { entryKey, parseHistory, withOccurrences } from './import/index.js';
import { ShellStore, type CommandRecord } from './store/commands.js';

/** Rows inserted between checks of the slice's time. */
const STEP = 250;

export interface ImportHistoryReport {
  file: string;
  shell: 'zsh' | 'bash';
  entries: number;
  added: number;
  already_present: number;
  filtered: number;
}

export interface ImportHistoryOptions {
  db: Db;
  file: string;
  data: Buffer;
  shell: 'zsh' | 'bash' | 'auto';
  filter: HistoryFilter;
  /** Entries without a timestamp are placed just before this time, in file order. */
  fallbackTs: number;
  onProgress?: (done: number, total: number) => void;
}

export function importHistory(o: ImportHistoryOptions): ImportHistoryReport {
  const { shell, entries } = parseHistory(o.data, o.shell, o.file);
  const keyed = withOccurrences(entries);
  const store = new ShellStore(o.db);
  const report: ImportHistoryReport = { file: o.file, shell, entries: entries.length, added: 0, already_present: 0, filtered: 0 };
  const records: CommandRecord[] = [];
  for (const { entry, occurrence } of keyed) {
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
      ts: entry.ts ?? o.fallbackTs - (entries.length - entry.index),
      duration_ms: entry.duration_ms,
      session: null,
      shell,
      host: null,
      user: null,
      source: `import:${shell}`,
    });
  }
  // Short transactions (inSlices), so other writers are not kept waiting by a large import; a
  // crash in between leaves a prefix stored, and importing again adds just the rest.
  let done = 0;
  const slice = (hasTime: () => boolean): boolean => {
    const from = done;
    do {
      const part = records.slice(done, done + STEP);
      const added = store.insert(part);
      report.added += added.length;
      report.already_present += part.length - added.length;
      done += part.length;
    } while (done < records.length && hasTime());
    if (done > from) o.onProgress?.(Math.round((done / Math.max(1, records.length)) * keyed.length), keyed.length);
    return done < records.length;
  };
  try {
    inSlices(o.db, slice);
  } catch (err) {
    if (!done || !isStoreBusy(err)) throw err;
    throw new MemError(
      `store busy: the store stayed locked by another process past the busy timeout (store.busy_timeout_ms) after ${done} of ${records.length} entries were imported; run the same import again for the rest (nothing is imported twice)`,
      1,
      'store_busy',
    );
  }
  if (!records.length) o.onProgress?.(keyed.length, keyed.length);
  return report;
}
