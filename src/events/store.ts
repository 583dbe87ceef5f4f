// The events table's SQL. Capabilities record an event in the same transaction as the write it
// describes (so a rolled-back write leaves no event); readers tail the table by id. The table is
// trimmed as it grows: the newest KEEP events, none older than MAX_AGE.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open.js';

export const EVENT_TYPES = [
  'memory.stored',
  'memory.pattern.learned',
  'memory.pattern.matched',
  'memory.context.suggested',
  'fix.recorded',
  'command.ingested',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface MemEvent {
  id: number;
  at: string;
  type: EventType;
  data: Record<string, unknown>;
}

const KEEP = 10_000;
const MAX_AGE_MS = 7 * 86_400_000;
/** Trimming is one indexed DELETE every this many events, not a check on every write. */
const TRIM_EVERY = 256;

// Prepared once per connection: events are written on hot paths (every `mem add`, every POST).
const inserts = new WeakMap<Db, Statement<unknown[]>>();

/** Records one event; the caller's transaction (if any) commits or discards it with its write. */
export function recordEvent(db: Db, type: EventType, data: Record<string, unknown>, now: number): void {
  let insert = inserts.get(db);
  if (!insert) inserts.set(db, (insert = db.prepare('INSERT INTO events (at, type, data) VALUES (?, ?, ?)')));
  const id = Number(insert.run(now, type, JSON.stringify(data)).lastInsertRowid);
  if (id % TRIM_EVERY === 0) db.prepare('DELETE FROM events WHERE id <= ? OR at < ?').run(id - KEEP, now - MAX_AGE_MS);
}

/**
 * Forgets the events that mention any of `ids` (a purged memory's id): what is purged leaves no
 * copy of its title in the feed. Caller holds the transaction.
 */
export function forgetEventsMentioning(db: Db, ids: readonly string[]): number {
  const del = db.prepare('DELETE FROM events WHERE instr(data, ?) > 0');
  let n = 0;
  for (const id of ids) n += del.run(JSON.stringify(id)).changes;
  return n;
}

/** Forgets every event of these types (prune: the feed of ingested commands may quote removed ones). */
export function forgetEventsOfType(db: Db, types: readonly EventType[]): number {
  if (!types.length) return 0;
  return db.prepare(`DELETE FROM events WHERE type IN (${types.map(() => '?').join(', ')})`).run(...types).changes;
}

interface EventRow {
  id: number;
  at: number;
  type: EventType;
  data: string;
}

export class EventStore {
  constructor(readonly db: Db) {}

  /** Events after `afterId`, oldest first, of the given types (all when empty). */
  since(afterId: number, limit: number, types: readonly string[] = []): MemEvent[] {
    const filter = types.length ? `AND type IN (${types.map(() => '?').join(', ')})` : '';
    const rows = this.db.prepare(`SELECT id, at, type, data FROM events WHERE id > ? ${filter} ORDER BY id LIMIT ?`).all(afterId, ...types, limit) as EventRow[];
    return rows.map((r) => ({ id: r.id, at: new Date(r.at).toISOString(), type: r.type, data: JSON.parse(r.data) as Record<string, unknown> }));
  }

  /** The newest events (of the given types), oldest first. */
  last(limit: number, types: readonly string[] = []): MemEvent[] {
    const filter = types.length ? `WHERE type IN (${types.map(() => '?').join(', ')})` : '';
    const ids = this.db.prepare(`SELECT id FROM events ${filter} ORDER BY id DESC LIMIT ?`).pluck().all(...types, limit) as number[];
    return ids.length ? this.since(ids[ids.length - 1]! - 1, limit, types) : [];
  }

  /** The id of the newest event (0 when there is none). */
  latestId(): number {
    return this.db.prepare('SELECT COALESCE(MAX(id), 0) FROM events').pluck().get() as number;
  }
}
