// Per-file import state (table history_imports): see ../import/state.ts for what it holds and why.
import type { Db } from '../../db/open.js';
import { DIGEST_BYTES, TAIL, type ImportState } from '../import/state.js';
import { randomUuid } from '../../util/ids.js';

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
      .run(file, format, state.stream ?? randomUuid(), state.next_seq, state.entries, tail, now);
  }
}
