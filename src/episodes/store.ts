// Episodes: one task an agent works through, as a sequence of events, ended with an outcome. Ending
// one leaves an `experience` memory (task, a compact summary of the steps, the outcome) so past
// episodes are found by the same hybrid search as every memory. All episode SQL lives here, and
// every text is redacted before it is stored.
import type { Db } from '../db/open.js';
import { writeTx } from '../db/tx.js';
import { MemError, NotFoundError, UsageError } from '../errors.js';
import { MEMORY_LIMITS } from '../memory/model.js';
import { MemoryStore } from '../memory/store/memories.js';
import { redactDeep, redactString } from '../redact/index.js';
import { experienceText } from './text.js';

import type { Episode, EpisodeEvent, Json } from './text.js';
import { streamed } from '../db/rows.js';
import { randomUuid } from '../util/ids.js';

export type { Episode, EpisodeEvent, Json } from './text.js';

export const EPISODE_LIMITS = { task: 5000, name: 100, json: 20_000, events: 10_000 } as const;

export interface EpisodeRow {
  id: string;
  task: string;
  context: string;
  scope: string;
  started_at: number;
  ended_at: number | null;
  success: number | null;
  metrics: string;
}

export interface EventRow {
  id: number;
  episode_id: string;
  at: number;
  type: string;
  role: string | null;
  data: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
export const toEvent = (r: EventRow): EpisodeEvent => ({ id: r.id, at: iso(r.at), type: r.type, role: r.role, data: JSON.parse(r.data) as Json });

/** A JSON object stored redacted, within the size limit. */
function storedJson(v: Json, flag: string): string {
  const text = JSON.stringify(redactDeep(v).value);
  if (text.length > EPISODE_LIMITS.json) throw new UsageError(`${flag} is ${text.length} characters of JSON; the limit is ${EPISODE_LIMITS.json}`);
  return text;
}

function name(v: string, flag: string): string {
  const s = v.trim();
  if (!s) throw new UsageError(`${flag} must not be empty`);
  if (s.length > EPISODE_LIMITS.name) throw new UsageError(`${flag} is longer than ${EPISODE_LIMITS.name} characters`);
   
  if (/[\x00-\x1f\x7f]/.test(s)) throw new UsageError(`${flag} must not contain control characters`);
  return redactString(s);
}

export class EpisodeStore {
  constructor(readonly db: Db) {}

  start(task: string, context: Json, scope: string, now: number): Episode {
    const t = task.trim();
    if (!t) throw new UsageError('give the task the episode is about');
    if (t.length > EPISODE_LIMITS.task) throw new UsageError(`the task is ${t.length} characters; the limit is ${EPISODE_LIMITS.task}`);
    const id = randomUuid();
    this.db.prepare('INSERT INTO episodes (id, task, context, scope, started_at) VALUES (?, ?, ?, ?, ?)').run(id, redactString(t), storedJson(context, '--context'), scope, now);
    return this.get(id);
  }

  /** A full id, or a unique prefix of at least 6 characters. */
  resolve(idOrPrefix: string): EpisodeRow {
    const key = idOrPrefix.trim().toLowerCase();
    if (key.length < 6) throw new UsageError(`episode id '${idOrPrefix}' is too short (give at least 6 characters)`);
    const rows = this.db.prepare('SELECT * FROM episodes WHERE id >= ? AND id < ? LIMIT 2').all(key, key + '\uffff') as EpisodeRow[];
    if (!rows.length) throw new NotFoundError(`no episode '${idOrPrefix}' (start one with \`mem episode start\`)`);
    if (rows.length > 1 && rows[0]!.id !== key) throw new UsageError(`episode id '${idOrPrefix}' is ambiguous; give more characters`);
    return rows[0]!;
  }

  private open(idOrPrefix: string): EpisodeRow {
    const r = this.resolve(idOrPrefix);
    if (r.ended_at !== null) throw new MemError(`episode ${r.id} already ended (${r.success ? 'success' : 'failure'}) at ${iso(r.ended_at)}; start a new one`, 1, 'episode_ended');
    return r;
  }

  event(idOrPrefix: string, e: { type: string; role?: string; data: Json }, now: number): { episode_id: string; event: EpisodeEvent } {
    return writeTx(this.db, () => {
      const r = this.open(idOrPrefix);
      const count = (this.db.prepare('SELECT COUNT(*) AS c FROM episode_events WHERE episode_id = ?').get(r.id) as { c: number }).c;
      if (count >= EPISODE_LIMITS.events) throw new MemError(`episode ${r.id} already has ${count} events, the limit; end it`, 1, 'too_many_events');
      const id = Number(
        this.db
          .prepare('INSERT INTO episode_events (episode_id, at, type, role, data) VALUES (?, ?, ?, ?, ?)')
          .run(r.id, now, name(e.type, '--type'), e.role === undefined ? null : name(e.role, '--role'), storedJson(e.data, '--data')).lastInsertRowid,
      );
      return { episode_id: r.id, event: toEvent(this.db.prepare('SELECT * FROM episode_events WHERE id = ?').get(id) as EventRow) };
    });
  }

  /** Ends the episode and stores its experience memory, in one transaction. */
  end(idOrPrefix: string, success: boolean, metrics: Json, now: number): { episode: Episode; memory_id: string; memory_created: boolean } {
    return writeTx(this.db, () => {
      const r = this.open(idOrPrefix);
      this.db.prepare('UPDATE episodes SET ended_at = ?, success = ?, metrics = ? WHERE id = ?').run(now, success ? 1 : 0, storedJson(metrics, '--metrics'), r.id);
      const episode = this.get(r.id);
      const [added] = new MemoryStore(this.db).add(
        [
          {
            kind: 'experience',
            title: episode.task.slice(0, MEMORY_LIMITS.title),
            content: redactString(experienceText(episode)),
            tags: ['episode', success ? 'success' : 'failure'],
            metadata: { episode_id: episode.id, events: episode.events.length, duration_ms: now - Date.parse(episode.started_at), metrics: episode.metrics },
            source: 'ai_extracted',
            source_id: episode.id,
            scope: episode.scope,
            success,
            task_id: episode.id,
            language: null,
          },
        ],
        now,
      );
      return { episode, memory_id: added!.memory.id, memory_created: added!.created };
    });
  }

  get(idOrPrefix: string): Episode {
    const r = this.resolve(idOrPrefix);
    const events = (this.db.prepare('SELECT * FROM episode_events WHERE episode_id = ? ORDER BY at, id').all(r.id) as EventRow[]).map(toEvent);
    return {
      id: r.id,
      task: r.task,
      context: JSON.parse(r.context) as Json,
      scope: r.scope,
      started_at: iso(r.started_at),
      ended_at: r.ended_at === null ? null : iso(r.ended_at),
      success: r.success === null ? null : r.success === 1,
      metrics: JSON.parse(r.metrics) as Json,
      events,
    };
  }

  /** Episodes by full id (those that exist), without their events. */
  byIds(ids: string[]): Map<string, EpisodeRow & { events: number }> {
    if (!ids.length) return new Map();
    const rows = this.db
      .prepare(`SELECT e.*, (SELECT COUNT(*) FROM episode_events v WHERE v.episode_id = e.id) AS events FROM episodes e WHERE e.id IN (${ids.map(() => '?').join(',')})`)
      .all(...ids) as (EpisodeRow & { events: number })[];
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** How many ended episodes failed and succeeded, in a scope (undefined: every scope). */
  outcomes(scope: string | undefined): { failed: number; succeeded: number } {
    const where = `ended_at IS NOT NULL${scope === undefined ? '' : ' AND scope = @scope'}`;
    const r = this.db.prepare(`SELECT SUM(success = 0) AS f, SUM(success = 1) AS s FROM episodes WHERE ${where}`).get(scope === undefined ? {} : { scope }) as { f: number | null; s: number | null };
    return { failed: r.f ?? 0, succeeded: r.s ?? 0 };
  }

  /**
   * The events of ended episodes in order, one row per event (an episode without events gives one
   * row with a null type), streamed.
   */
  endedEvents(scope: string | undefined): Iterable<{ episode: string; success: number; type: string | null; data: string | null }> {
    const where = `e.ended_at IS NOT NULL${scope === undefined ? '' : ' AND e.scope = @scope'}`;
    return this.db
      .prepare(`SELECT e.id AS episode, e.success AS success, v.type AS type, v.data AS data FROM episodes e LEFT JOIN episode_events v ON v.episode_id = e.id WHERE ${where} ORDER BY e.id, v.at, v.id`)
      .iterate(scope === undefined ? {} : { scope }) as Iterable<{ episode: string; success: number; type: string | null; data: string | null }>;
  }

  /** Every episode and every event as the bundle carries them, streamed. */
  exportRows(): { episodes: Iterable<Record<string, unknown>>; events: Iterable<Record<string, unknown>> } {
    return {
      episodes: streamed(() => this.db.prepare('SELECT * FROM episodes ORDER BY n').iterate() as Iterator<Record<string, unknown>>),
      events: streamed(() => this.db.prepare('SELECT episode_id, at, type, role, data FROM episode_events ORDER BY id').iterate() as Iterator<Record<string, unknown>>),
    };
  }

  /** Inserts episodes from a bundle with the events of the new ones. Caller holds the transaction. */
  importRows(episodes: readonly Record<string, unknown>[], events: readonly Record<string, unknown>[]): number {
    const insEp = this.db.prepare('INSERT INTO episodes (id, task, context, scope, started_at, ended_at, success, metrics) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING');
    const fresh = new Set<string>();
    for (const e of episodes) {
      const r = insEp.run(e.id, e.task, JSON.stringify(e.context ?? {}), e.scope ?? 'default', e.started_at, e.ended_at ?? null, e.success ?? null, JSON.stringify(e.metrics ?? {}));
      if (r.changes) fresh.add(e.id as string);
    }
    const insEv = this.db.prepare('INSERT INTO episode_events (episode_id, at, type, role, data) VALUES (?, ?, ?, ?, ?)');
    for (const e of events) if (fresh.has(e.episode_id as string)) insEv.run(e.episode_id, e.at, e.type, e.role ?? null, JSON.stringify(e.data ?? {}));
    return fresh.size;
  }
}
