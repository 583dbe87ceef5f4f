// Intent-named reads and writes of shell commands. Aggregates for stats are maintained on every
// insert so that stats never scan the whole history.
import type { Db } from '../../db/open.js';
import { isoDay } from '../../util/time.js';
import { commandWords } from '../words.js';
import { streamed } from '../../db/rows.js';

export interface CommandRecord {
  uid: string;
  command: string;
  cwd: string | null;
  git_root: string | null;
  exit_code: number | null;
  ts: number;
  duration_ms: number | null;
  session: string | null;
  shell: string | null;
  host: string | null;
  user: string | null;
  source: string;
}

export interface HistoryRow extends Omit<CommandRecord, 'ts' | 'uid'> {
  id: number;
  timestamp: string;
}

export interface HistoryQuery {
  session?: string;
  cwd?: string;
  failed?: boolean;
  since?: number;
  limit: number;
}

export class ShellStore {
  constructor(readonly db: Db) {}

  private prepared?: ReturnType<ShellStore['prepare']>;
  /** Prepared once per store: an import inserts in many short transactions. */
  private stmts() {
    return (this.prepared ??= this.prepare());
  }

  private prepare() {
    const db = this.db;
    return {
      insert: db.prepare(`INSERT INTO commands (uid, command, cwd, git_root, exit_code, ts, duration_ms, session, shell, host, user, source)
        VALUES (@uid, @command, @cwd, @git_root, @exit_code, @ts, @duration_ms, @session, @shell, @host, @user, @source)
        ON CONFLICT (uid) DO NOTHING`),
      count: db.prepare(`INSERT INTO command_counts (command, name, count, failures, last_ts) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (command) DO UPDATE SET count = count + excluded.count, failures = failures + excluded.failures, last_ts = MAX(last_ts, excluded.last_ts)`),
      name: db.prepare(`INSERT INTO command_name_counts (name, subcommand, count, failures) VALUES (?, ?, ?, ?)
        ON CONFLICT (name, subcommand) DO UPDATE SET count = count + excluded.count, failures = failures + excluded.failures`),
      daily: db.prepare(`INSERT INTO command_daily (day, count, failures, with_exit) VALUES (?, ?, ?, ?)
        ON CONFLICT (day) DO UPDATE SET count = count + excluded.count, failures = failures + excluded.failures, with_exit = with_exit + excluded.with_exit`),
      session: db.prepare(`INSERT INTO shell_sessions (session, shell, host, first_ts, last_ts, count) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (session) DO UPDATE SET count = count + excluded.count, first_ts = MIN(first_ts, excluded.first_ts), last_ts = MAX(last_ts, excluded.last_ts)`),
    };
  }

  /** Inserts records (skipping ones already stored) and updates aggregates. Caller holds the transaction. */
  insert(records: readonly CommandRecord[]): CommandRecord[] {
    const s = this.stmts();
    const added: CommandRecord[] = [];
    for (const r of records) if (s.insert.run(r).changes > 0) added.push(r);
    this.count(s, added);
    return added;
  }

  /** Folds a batch into per-key deltas first, so each aggregate row is written once per batch. */
  private count(s: ReturnType<ShellStore['stmts']>, rows: readonly CommandRecord[]): void {
    const commands = new Map<string, { name: string; count: number; failures: number; last: number }>();
    const names = new Map<string, { count: number; failures: number }>();
    const days = new Map<string, { count: number; failures: number; withExit: number }>();
    const sessions = new Map<string, { shell: string | null; host: string | null; first: number; last: number; count: number }>();
    const bump = <T extends { count: number }>(m: Map<string, T>, key: string, init: () => T, f: (v: T) => void) => {
      let v = m.get(key);
      if (!v) m.set(key, (v = init()));
      v.count++;
      f(v);
    };
    for (const r of rows) {
      const failed = r.exit_code !== null && r.exit_code !== 0 ? 1 : 0;
      const w = commandWords(r.command);
      bump(commands, r.command, () => ({ name: w.name, count: 0, failures: 0, last: r.ts }), (v) => ((v.failures += failed), (v.last = Math.max(v.last, r.ts))));
      bump(names, `${w.name}\0`, () => ({ count: 0, failures: 0 }), (v) => (v.failures += failed));
      if (w.subcommand) bump(names, `${w.name}\0${w.subcommand}`, () => ({ count: 0, failures: 0 }), (v) => (v.failures += failed));
      bump(days, isoDay(r.ts), () => ({ count: 0, failures: 0, withExit: 0 }), (v) => ((v.failures += failed), (v.withExit += r.exit_code === null ? 0 : 1)));
      if (r.session) {
        bump(sessions, r.session, () => ({ shell: r.shell, host: r.host, first: r.ts, last: r.ts, count: 0 }), (v) => ((v.first = Math.min(v.first, r.ts)), (v.last = Math.max(v.last, r.ts))));
      }
    }
    for (const [command, v] of commands) s.count.run(command, v.name, v.count, v.failures, v.last);
    for (const [key, v] of names) {
      const [name, sub] = key.split('\0') as [string, string];
      s.name.run(name, sub, v.count, v.failures);
    }
    for (const [day, v] of days) s.daily.run(day, v.count, v.failures, v.withExit);
    for (const [session, v] of sessions) s.session.run(session, v.shell, v.host, v.first, v.last, v.count);
  }

  /** Recomputes the derived tables from `commands` (after prune or cleanup). Caller holds the transaction. */
  rebuildAggregates(): void {
    for (const t of ['command_counts', 'command_name_counts', 'command_daily', 'shell_sessions']) this.db.prepare(`DELETE FROM ${t}`).run();
    const s = this.stmts();
    const page = this.db.prepare('SELECT * FROM commands WHERE id > ? ORDER BY id LIMIT 5000');
    for (let last = 0; ; ) {
      const rows = page.all(last) as (CommandRecord & { id: number })[];
      if (!rows.length) break;
      this.count(s, rows);
      last = rows[rows.length - 1]!.id;
    }
  }

  /**
   * Passes every stored command through `judge`, a page of rows at a time (filters judge in bulk):
   * 'drop' deletes a row, a string replaces its text. Rebuilds the aggregates when anything
   * changed. Caller holds the transaction.
   */
  rewrite(
    judge: (rows: readonly { command: string; cwd: string | null }[]) => ({ drop: string } | { text: string } | null)[],
    dryRun: boolean,
  ): { deleted: number; redacted: number; reasons: Record<string, number>; ids: number[] } {
    const out = { deleted: 0, redacted: 0, reasons: {} as Record<string, number>, ids: [] as number[] };
    const del = this.db.prepare('DELETE FROM commands WHERE id = ?');
    const upd = this.db.prepare('UPDATE commands SET command = ? WHERE id = ?');
    const page = this.db.prepare('SELECT id, command, cwd FROM commands WHERE id > ? ORDER BY id LIMIT 5000');
    for (let last = 0; ; ) {
      const rows = page.all(last) as { id: number; command: string; cwd: string | null }[];
      if (!rows.length) break;
      last = rows[rows.length - 1]!.id;
      const verdicts = judge(rows);
      for (const [i, r] of rows.entries()) {
        const v = verdicts[i];
        if (!v) continue;
        out.ids.push(r.id);
        if ('drop' in v) {
          out.deleted++;
          out.reasons[v.drop] = (out.reasons[v.drop] ?? 0) + 1;
          if (!dryRun) del.run(r.id);
        } else {
          out.redacted++;
          if (!dryRun) upd.run(v.text, r.id);
        }
      }
    }
    if (!dryRun && (out.deleted || out.redacted)) this.rebuildAggregates();
    return out;
  }

  /**
   * Deletes the rows with these ids and rebuilds the aggregates; returns how many went. Caller
   * holds the transaction.
   */
  deleteIds(ids: readonly number[]): number {
    const del = this.db.prepare('DELETE FROM commands WHERE id = ?');
    let n = 0;
    for (const id of new Set(ids)) n += del.run(id).changes;
    if (n) this.rebuildAggregates();
    return n;
  }

  /** Matching commands, newest last. */
  history(q: HistoryQuery): HistoryRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, ...values: unknown[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (q.session) add('session = ?', q.session);
    if (q.cwd) add('cwd = ?', q.cwd);
    if (q.failed) add('exit_code IS NOT NULL AND exit_code <> 0');
    if (q.since !== undefined) add('ts >= ?', q.since);
    const sql = `SELECT * FROM (SELECT * FROM commands ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY ts DESC, id DESC LIMIT ?) ORDER BY ts, id`;
    const rows = this.db.prepare(sql).all(...params, q.limit) as (CommandRecord & { id: number })[];
    return rows.map(({ uid: _u, ts, ...r }) => ({ ...r, timestamp: new Date(ts).toISOString() }));
  }

  /**
   * One page of matching commands, newest first, starting after `before` (the last row of the
   * page before). `contains` matches text anywhere in the line (ASCII letters in any case).
   */
  page(q: Omit<HistoryQuery, 'limit'> & { contains?: string; before?: { ts: number; id: number }; limit: number }): (HistoryRow & { ts: number })[] {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, ...values: unknown[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (q.session) add('session = ?', q.session);
    if (q.cwd) add('cwd = ?', q.cwd);
    if (q.failed) add('exit_code IS NOT NULL AND exit_code <> 0');
    if (q.since !== undefined) add('ts >= ?', q.since);
    if (q.contains) add("command LIKE ? ESCAPE '\\'", `%${q.contains.replace(/[\\%_]/g, (c) => '\\' + c)}%`);
    if (q.before) add('(ts < ? OR (ts = ? AND id < ?))', q.before.ts, q.before.ts, q.before.id);
    const sql = `SELECT * FROM commands ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY ts DESC, id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...params, q.limit) as (CommandRecord & { id: number })[];
    return rows.map(({ uid: _u, ...r }) => ({ ...r, timestamp: new Date(r.ts).toISOString() }));
  }

  /** Stored commands after row `afterId`, in id order (the learner's feed). */
  after(afterId: number, limit: number): (CommandRecord & { id: number })[] {
    return this.db.prepare('SELECT * FROM commands WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as (CommandRecord & { id: number })[];
  }

  /** How many stored commands come after row `afterId` (exact, unlike maxId() - afterId). */
  countAfter(afterId: number): number {
    return this.db.prepare('SELECT COUNT(*) FROM commands WHERE id > ?').pluck().get(afterId) as number;
  }

  maxId(): number {
    return (this.db.prepare('SELECT MAX(id) FROM commands').pluck().get() as number | null) ?? 0;
  }

  /** Where ingestion of a spool file stopped: its inode and the offset after the last line read. */
  spoolProgress(file: string): { inode: number; offset: number } | undefined {
    return this.db.prepare('SELECT inode, offset FROM spool_progress WHERE file = ?').get(file) as { inode: number; offset: number } | undefined;
  }

  setSpoolProgress(file: string, inode: number, offset: number, now: number): void {
    this.db
      .prepare('INSERT INTO spool_progress (file, inode, offset, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (file) DO UPDATE SET inode = excluded.inode, offset = excluded.offset, updated_at = excluded.updated_at')
      .run(file, inode, offset, now);
  }

  dropSpoolProgress(file: string): void {
    this.db.prepare('DELETE FROM spool_progress WHERE file = ?').run(file);
  }

  /** Every command as the bundle carries it, in id order, streamed. */
  exportRows(): Iterable<CommandRecord> {
    return streamed(() => this.db.prepare('SELECT uid, command, cwd, git_root, exit_code, ts, duration_ms, session, shell, host, user, source FROM commands ORDER BY id').iterate() as Iterator<CommandRecord>);
  }

  lastRecord(): { ts: number; source: string } | undefined {
    return this.db.prepare("SELECT ts, source FROM commands WHERE source = 'hook' ORDER BY ts DESC LIMIT 1").get() as { ts: number; source: string } | undefined;
  }
}
