// Per-file import state (table history_imports): what the previous import of a file ended with,
// so that the next import of that file can find where the new entries start (see overlap.ts).
// Entries are kept as 8-byte digests, never as text: the state holds no command (nor secret).
import { createHash } from 'node:crypto';
import type { HistoryEntry } from './types.js';

/** How many of the last entries are remembered: more than a rotation usually keeps of the old file. */
export const TAIL = 1000;
export const DIGEST_BYTES = 8;

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
