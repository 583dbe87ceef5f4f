// Imports a history file into `commands`: keyed per entry (see entryKey), so importing the same
// file twice adds nothing and a longer version of it adds only the new tail. Filters and secret
// redaction apply as to captured commands. One transaction per batch.
import type { Db } from '../db/open.js';
import { writeTx } from '../db/tx.js';
import { redactString } from '../redact/index.js';
import type { HistoryFilter } from './filters.js';
import { entryKey, parseHistory, withOccurrences } from './import/index.js';
import { ShellStore, type CommandRecord } from './store/commands.js';

const BATCH = 10_000;

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
  for (let i = 0; i < keyed.length; i += BATCH) {
    const records: CommandRecord[] = [];
    const batch = keyed.slice(i, i + BATCH);
    const verdicts = o.filter.rejectAll(batch.map(({ entry }) => ({ command: entry.command, cwd: null })));
    for (const [j, { entry, occurrence }] of batch.entries()) {
      if (verdicts[j]) {
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
    writeTx(o.db, () => {
      const added = store.insert(records);
      report.added += added.length;
      report.already_present += records.length - added.length;
    });
    o.onProgress?.(Math.min(i + BATCH, keyed.length), keyed.length);
  }
  return report;
}
