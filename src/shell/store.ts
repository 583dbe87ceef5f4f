// Intent-named reads and writes of shell commands. Aggregates for stats are maintained on every
// insert so that stats never scan the whole history.
import type { Db } from '../db/open.js';
import { isoDay } from '../util/time.js';
import { commandWords } from './words.js';

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

  private stmts() {
    const db = this.db;
    return {
      insert: db.prepare(`INSERT INTO commands (uid, command, cwd, git_root, exit_code, ts, duration_ms, session, shell, host, user, source)
        VALUES (@uid, @command, @cwd, @git_root, @exit_code, @ts, @duration_ms, @session, @shell, @host, @user, @source)
        ON CONFLICT (uid) DO NOTHING`),
      count: db.prepare(`INSERT INTO command_counts (command, name, count, failures, last_ts) VALUES (?, ?, 1, ?, ?)
        ON CONFLICT (command) DO UPDATE SET count = count + 1, failures = failures + excluded.failures, last_ts = MAX(last_ts, excluded.last_ts)`),
      name: db.prepare(`INSERT INTO command_name_counts (name, subcommand, count, failures) VALUES (?, ?, 1, ?)
        ON CONFLICT (name, subcommand) DO UPDATE SET count = count + 1, failures = failures + excluded.failures`),
      daily: db.prepare(`INSERT INTO command_daily (day, count, failures, with_exit) VALUES (?, 1, ?, ?)
        ON CONFLICT (day) DO UPDATE SET count = count + 1, failures = failures + excluded.failures, with_exit = with_exit + excluded.with_exit`),
      session: db.prepare(`INSERT INTO shell_sessions (session, shell, host, first_ts, last_ts, count) VALUES (?, ?, ?, ?, ?, 1)
        ON CONFLICT (session) DO UPDATE SET count = count + 1, first_ts = MIN(first_ts, excluded.first_ts), last_ts = MAX(last_ts, excluded.last_ts)`),
    };
  }

  /** Inserts records (skipping ones already stored) and updates aggregates. Caller holds the transaction. */
  insert(records: readonly CommandRecord[]): CommandRecord[] {
    const s = this.stmts();
    const added: CommandRecord[] = [];
    for (const r of records) {
      if (s.insert.run(r).changes === 0) continue;
      added.push(r);
      this.count(s, r);
    }
    return added;
  }

  private count(s: ReturnType<ShellStore['stmts']>, r: CommandRecord): void {
    const failed = r.exit_code !== null && r.exit_code !== 0 ? 1 : 0;
    const w = commandWords(r.command);
    s.count.run(r.command, w.name, failed, r.ts);
    s.name.run(w.name, '', failed);
    if (w.subcommand) s.name.run(w.name, w.subcommand, failed);
    s.daily.run(isoDay(r.ts), failed, r.exit_code === null ? 0 : 1);
    if (r.session) s.session.run(r.session, r.shell, r.host, r.ts, r.ts);
  }

  /** Recomputes the derived tables from `commands` (after prune or cleanup). Caller holds the transaction. */
  rebuildAggregates(): void {
    for (const t of ['command_counts', 'command_name_counts', 'command_daily', 'shell_sessions']) this.db.prepare(`DELETE FROM ${t}`).run();
    const s = this.stmts();
    const page = this.db.prepare('SELECT * FROM commands WHERE id > ? ORDER BY id LIMIT 5000');
    for (let last = 0; ; ) {
      const rows = page.all(last) as (CommandRecord & { id: number })[];
      if (!rows.length) break;
      for (const r of rows) this.count(s, r);
      last = rows[rows.length - 1]!.id;
    }
  }

  /** Matching commands, newest last. */
  history(q: HistoryQuery): HistoryRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.session) where.push('session = ?'), params.push(q.session);
    if (q.cwd) where.push('cwd = ?'), params.push(q.cwd);
    if (q.failed) where.push('exit_code IS NOT NULL AND exit_code <> 0');
    if (q.since !== undefined) where.push('ts >= ?'), params.push(q.since);
    const sql = `SELECT * FROM (SELECT * FROM commands ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY ts DESC, id DESC LIMIT ?) ORDER BY ts, id`;
    const rows = this.db.prepare(sql).all(...params, q.limit) as (CommandRecord & { id: number })[];
    return rows.map(({ uid: _u, ts, ...r }) => ({ ...r, timestamp: new Date(ts).toISOString() }));
  }

  lastRecord(): { ts: number; source: string } | undefined {
    return this.db.prepare("SELECT ts, source FROM commands WHERE source = 'hook' ORDER BY ts DESC LIMIT 1").get() as { ts: number; source: string } | undefined;
  }
}
