// Per-file import state (table history_imports): what the previous import of a file ended with,
// so that the next import of that file can find where the new entries start (see overlap.ts).
// Entries are kept as 8-byte digests, never as text: the state holds no command (nor secret).
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../../db/open.js';
import type { HistoryEntry } from './types.js';

/** How many of the last entries are remembered: more than a rotation usually keeps of the old file. */
export const TAIL = 1000;
const DIGEST_BYTES = 8;

export interface ImportState {
  /** Random id of this file's import history: keys of entries placed by overlap are (stream, seq). */
  stream: string;
  /** How many entries have been placed by overlap so far (the next one gets this seq). */
  next_seq: number;
  /** How many entries the file had at the last import. */
  entries: number;
  /** Digests of the last entries of the file as last imported, oldest first. */
  tail: string[];
}

/** One entry's digest: its recorded time (if any) and its text. */
export function entryDigest(e: HistoryEntry): string {
  return createHash('sha256')
    .update(`${e.ts ?? ''}\0${e.command}`)
    .digest('hex')
    .slice(0, DIGEST_BYTES * 2);
}

export class ImportStateStore {
  constructor(private readonly db: Db) {}

  get(file: string, format: string): ImportState | undefined {
    const row = this.db.prepare('SELECT stream, next_seq, entries, tail FROM history_imports WHERE file = ? AND format = ?').get(file, format) as
      | { stream: string; next_seq: number; entries: number; tail: Buffer }
      | undefined;
    if (!row) return undefined;
    const tail: string[] = [];
    for (let i = 0; i + DIGEST_BYTES <= row.tail.length; i += DIGEST_BYTES) tail.push(row.tail.toString('hex', i, i + DIGEST_BYTES));
    return { stream: row.stream, next_seq: row.next_seq, entries: row.entries, tail };
  }

  /** Records the file as imported now. Caller holds the transaction that inserted its entries. */
  save(file: string, format: string, state: Omit<ImportState, 'stream'> & { stream?: string }, now: number): void {
    const tail = Buffer.from(state.tail.slice(-TAIL).join(''), 'hex');
    this.db
      .prepare(
        `INSERT INTO history_imports (file, format, stream, next_seq, entries, tail, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (file, format) DO UPDATE SET next_seq = excluded.next_seq, entries = excluded.entries, tail = excluded.tail,
           updated_at = excluded.updated_at`,
      )
      .run(file, format, state.stream ?? randomUUID(), state.next_seq, state.entries, tail, now);
  }
}
