// PredictStats persisted in SQLite: the same statistics as MemoryStats, learned through the same
// `transitions()`, so `mem predict` ranks exactly as `mem eval predict` replays. Every read is an
// indexed, bounded lookup; learning one command touches a fixed number of rows. Each stream (a
// shell session, an imported history) keeps its own last commands, so concurrent shells do not
// mix their transitions.
import type { Db } from '../../db/open.js';
import { addOccurrence, CONTEXT_HALF_LIFE, DEFAULT_HALF_LIFE, EMPTY_DECAY_KEY, weightedAt } from '../decay.js';
import { transitions, type Line } from '../keys.js';
import { commandName, normalize } from '../normalize.js';
import type { CommandRow } from '../memory-stats.js';
import type { TransitionEdge } from '../graph.js';
import type { LearningStats } from '../predictor.js';
import type { CommandEvent, CommandStats, ContextTotals, Successor, SuccessorKind } from '../types.js';

/** How many last commands of a stream are kept: the ranking looks back this far. */
export const STREAM_WINDOW = 10;

/** Log-domain sum of two decay keys (see decay.ts), as an SQL function for upserts. */
function decayAdd(a: number, b: number): number {
  const hi = Math.max(a, b);
  return hi + Math.log2(1 + 2 ** (Math.min(a, b) - hi));
}

/** The id of the last command learned (commands after it wait for the learner). */
export function learnedId(db: Db): number {
  return Number((db.prepare("SELECT value FROM predict_state WHERE key = 'learned_id'").pluck().get() as string | undefined) ?? 0);
}

/**
 * Forgets every learned statistic, so the learner relearns from the commands as they are now (after
 * prune removed or redacted some: their text lives in keys, items, streams and examples, and
 * decayed counts cannot be taken apart). The ranking weights stay: they are numbers learned from
 * the user's choices, not text. `epoch` changes, so a learner that was mid-batch gives up instead of
 * writing what it read before the reset. Returns when each stream was last added to, for
 * restoreStreamTimes. Caller holds the transaction.
 */
export function resetStats(db: Db): Map<string, number> {
  const times = new Map((db.prepare('SELECT stream, updated_at FROM predict_streams').all() as { stream: string; updated_at: number }[]).map((r) => [r.stream, r.updated_at]));
  for (const t of ['predict_commands', 'predict_transitions', 'predict_contexts', 'predict_streams']) db.prepare(`DELETE FROM ${t}`).run();
  db.prepare("DELETE FROM predict_state WHERE key IN ('seq', 'learned_id')").run();
  db.prepare("INSERT INTO predict_state (key, value) VALUES ('epoch', '1') ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1").run();
  return times;
}

/** Relearned streams keep the time they were last added to (the context when no session is known). */
export function restoreStreamTimes(db: Db, times: ReadonlyMap<string, number>): void {
  const set = db.prepare('UPDATE predict_streams SET updated_at = ? WHERE stream = ?');
  for (const [stream, at] of times) set.run(at, stream);
}

/** The strongest transitions between command templates (what usually follows what). */
export function templateEdges(db: Db, top: number): TransitionEdge[] {
  return db
    .prepare("SELECT key AS `from`, item AS `to`, count, successes, failures, last_seen FROM predict_transitions WHERE kind = 'template1' AND count >= 2 ORDER BY count DESC, last_seen DESC LIMIT ?")
    .all(top) as TransitionEdge[];
}

/**
 * The statements of one connection, prepared once: a CLI process makes one SqlStats, but a server
 * makes one per prediction, and preparing these costs about a millisecond each time.
 */
function prepare(db: Db) {
  db.function('decay_add', { deterministic: true }, decayAdd);
  return {
    command: db.prepare(`INSERT INTO predict_commands (command, template, name, count, wkey, successes, failures, last_seen, last_ts)
      VALUES (@command, @template, @name, 1, @wkey, @ok, @bad, @seq, @ts)
      ON CONFLICT (command) DO UPDATE SET count = count + 1, wkey = decay_add(wkey, excluded.wkey),
        successes = successes + excluded.successes, failures = failures + excluded.failures,
        last_seen = excluded.last_seen, last_ts = excluded.last_ts`),
    context: db.prepare(`INSERT INTO predict_contexts (kind, key, count, wkey, distinct_items) VALUES (?, ?, 1, ?, 0)
      ON CONFLICT (kind, key) DO UPDATE SET count = count + 1, wkey = decay_add(wkey, excluded.wkey) RETURNING count`),
    transition: db.prepare(`INSERT INTO predict_transitions (kind, key, item, command, count, wkey, ckey, successes, failures, last_seen, last_ts)
      VALUES (@kind, @key, @item, @command, 1, @wkey, @ckey, @ok, @bad, @seq, @ts)
      ON CONFLICT (kind, key, item) DO UPDATE SET count = count + 1, wkey = decay_add(wkey, excluded.wkey),
        ckey = decay_add(ckey, excluded.ckey), successes = successes + excluded.successes, failures = failures + excluded.failures,
        last_seen = excluded.last_seen, last_ts = excluded.last_ts, command = excluded.command
      RETURNING count`),
    distinct: db.prepare('UPDATE predict_contexts SET distinct_items = distinct_items + 1 WHERE kind = ? AND key = ?'),
    successors: db.prepare(`SELECT t.item, t.command, c.template, c.name, t.count, t.wkey, t.ckey, t.successes, t.failures, t.last_seen, t.last_ts
      FROM predict_transitions t JOIN predict_commands c ON c.command = t.command
      WHERE t.kind = ? AND t.key = ? ORDER BY t.count DESC, t.last_seen DESC LIMIT ?`),
    contextOf: db.prepare('SELECT count, wkey, distinct_items FROM predict_contexts WHERE kind = ? AND key = ?'),
    frequent: db.prepare('SELECT * FROM predict_commands ORDER BY count DESC, last_seen DESC LIMIT ?'),
    trending: db.prepare('SELECT * FROM predict_commands ORDER BY wkey DESC LIMIT ?'),
    recent: db.prepare('SELECT * FROM predict_commands ORDER BY last_seen DESC LIMIT ?'),
    one: db.prepare('SELECT * FROM predict_commands WHERE command = ?'),
    stream: db.prepare('SELECT recent FROM predict_streams WHERE stream = ?'),
    saveStream: db.prepare('INSERT INTO predict_streams (stream, recent, updated_at) VALUES (?, ?, ?) ON CONFLICT (stream) DO UPDATE SET recent = excluded.recent, updated_at = excluded.updated_at'),
  };
}
type Statements = ReturnType<typeof prepare>;
const prepared = new WeakMap<Db, Statements>();

export class SqlStats implements LearningStats {
  readonly halfLife = DEFAULT_HALF_LIFE;
  seq: number;
  private readonly streams = new Map<string, CommandEvent[]>();
  private readonly dirty = new Set<string>();
  private readonly q: Statements;

  constructor(readonly db: Db) {
    let q = prepared.get(db);
    if (!q) prepared.set(db, (q = prepare(db)));
    this.q = q;
    this.seq = Number(this.getState('seq') ?? 0);
  }

  /**
   * Forgets what was read (the streams' last commands, the sequence number): another process may
   * have learned since. Learners call it at the start of each transaction.
   */
  reload(): void {
    this.streams.clear();
    this.dirty.clear();
    this.seq = Number(this.getState('seq') ?? 0);
  }

  getState(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM predict_state WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setState(key: string, value: string): void {
    this.db.prepare('INSERT INTO predict_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** The last commands of a stream, oldest first. */
  stream(name: string): CommandEvent[] {
    let s = this.streams.get(name);
    if (!s) {
      const row = this.q.stream.get(name) as { recent: string } | undefined;
      s = row ? (JSON.parse(row.recent) as CommandEvent[]) : [];
      this.streams.set(name, s);
    }
    return s;
  }

  /** The stream most recently added to: the context when no session is known. */
  latestStream(): string | undefined {
    return (this.db.prepare('SELECT stream FROM predict_streams ORDER BY updated_at DESC LIMIT 1').get() as { stream: string } | undefined)?.stream;
  }

  learn(event: CommandEvent): void {
    const command = event.command.trim();
    if (!command) return;
    const name = event.session ?? 'default';
    const recent = this.stream(name);
    const seq = this.seq++;
    const ok = event.exit_code == null ? 0 : event.exit_code === 0 ? 1 : 0;
    const bad = event.exit_code == null ? 0 : event.exit_code === 0 ? 0 : 1;
    const line: Line = { command, template: normalize(command), name: commandName(command) };
    const lineOf = (e: CommandEvent): Line => ({ command: e.command, template: normalize(e.command), name: commandName(e.command) });
    this.q.command.run({ ...line, wkey: addOccurrence(EMPTY_DECAY_KEY, seq, this.halfLife), ok, bad, seq, ts: event.ts });
    const p1 = recent[recent.length - 1];
    const p2 = recent[recent.length - 2];
    for (const t of transitions(p2 && p1 ? lineOf(p2) : undefined, p1 && { event: p1, line: lineOf(p1) }, event, line)) {
      const { count } = this.q.context.get(t.kind, t.key, addOccurrence(EMPTY_DECAY_KEY, seq, this.halfLife)) as { count: number };
      const r = this.q.transition.get({
        kind: t.kind,
        key: t.key,
        item: t.item,
        command,
        wkey: addOccurrence(EMPTY_DECAY_KEY, seq, this.halfLife),
        ckey: addOccurrence(EMPTY_DECAY_KEY, count - 1, CONTEXT_HALF_LIFE),
        ok,
        bad,
        seq,
        ts: event.ts,
      }) as { count: number };
      if (r.count === 1) this.q.distinct.run(t.kind, t.key);
    }
    recent.push({ command, ts: event.ts, cwd: event.cwd ?? null, exit_code: event.exit_code ?? null, session: event.session ?? null });
    if (recent.length > STREAM_WINDOW) recent.splice(0, recent.length - STREAM_WINDOW);
    this.dirty.add(name);
  }

  /** Writes the streams and the sequence number; call inside the batch's transaction. */
  flush(now: number): void {
    for (const name of this.dirty) this.q.saveStream.run(name, JSON.stringify(this.streams.get(name)), now);
    this.dirty.clear();
    this.setState('seq', String(this.seq));
  }

  successors(kind: SuccessorKind, key: string, limit: number): Successor[] {
    if (limit <= 0) return [];
    const ctx = this.q.contextOf.get(kind, key) as { count: number } | undefined;
    if (!ctx) return [];
    const rows = this.q.successors.all(kind, key, limit) as (CommandRow & { item: string; ckey: number })[];
    return rows.map((r) => ({
      item: r.item,
      command: r.command,
      template: r.template,
      name: r.name,
      count: r.count,
      weighted: weightedAt(r.wkey, this.seq, this.halfLife),
      successes: r.successes,
      failures: r.failures,
      last_seen: r.last_seen,
      last_ts: r.last_ts,
      local: weightedAt(r.ckey, ctx.count - 1, CONTEXT_HALF_LIFE),
    }));
  }

  context(kind: SuccessorKind, key: string): ContextTotals {
    const c = this.q.contextOf.get(kind, key) as { count: number; wkey: number; distinct_items: number } | undefined;
    if (!c) return { count: 0, weighted: 0, local: 0, distinct: 0 };
    const r = 2 ** (-1 / CONTEXT_HALF_LIFE);
    return { count: c.count, weighted: weightedAt(c.wkey, this.seq, this.halfLife), local: (1 - r ** c.count) / (1 - r), distinct: c.distinct_items };
  }

  private view(r: CommandRow): CommandStats {
    return { ...r, weighted: weightedAt(r.wkey, this.seq, this.halfLife) };
  }

  frequent(limit: number): CommandStats[] {
    return (this.q.frequent.all(limit) as CommandRow[]).map((r) => this.view(r));
  }

  trending(limit: number): CommandStats[] {
    return (this.q.trending.all(limit) as CommandRow[]).map((r) => this.view(r));
  }

  recent(limit: number): CommandStats[] {
    return (this.q.recent.all(limit) as CommandRow[]).map((r) => this.view(r));
  }

  commands(lines: readonly string[]): Map<string, CommandStats> {
    const out = new Map<string, CommandStats>();
    for (const line of new Set(lines)) {
      const r = this.q.one.get(line) as CommandRow | undefined;
      if (r) out.set(line, this.view(r));
    }
    return out;
  }
}
