// Intent-named reads and writes of shell commands. Aggregates for stats are maintained on every
// insert so that stats never scan the whole history.
import type { Outcome } from '../../util/outcome.js';
import type { Statement } from 'better-sqlite3';
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
  /** Who ran it: the user's name, or an agent (claude-code, codex, cursor). Default: `user`. */
  author?: string | null;
  /** Default: human. */
  author_kind?: AuthorKind;
  /** An agent's description of the tool call. */
  intent?: string | null;
}

export type AuthorKind = 'human' | 'agent';

export interface HistoryRow extends Omit<CommandRecord, 'ts' | 'uid' | 'author' | 'author_kind' | 'intent'> {
  id: number;
  timestamp: string;
  author: string | null;
  author_kind: AuthorKind;
  intent: string | null;
}

/** A command that exited non-zero. */
export interface FailedCommand {
  id: number;
  command: string;
  exit_code: number;
  ts: number;
  cwd: string | null;
  session: string | null;
}

/** The user's own commands: agents' are kept apart. */
const HUMAN = "COALESCE(author_kind, 'human') = 'human'";

/** What the stored commands are filtered on (all optional, all combined). */
export interface CommandFilter {
  session?: string;
  cwd?: string;
  /** success: exited 0; failure: exited non-zero (commands with no known status match neither). */
  outcome?: Outcome;
  /** This exact exit status. */
  exit?: number;
  /** At or after (epoch ms). */
  since?: number;
  /** Strictly before (epoch ms). */
  until?: number;
  host?: string;
  /** Who ran them: the user's name or an agent's (claude-code). */
  author?: string;
  /** Only the user's commands (human), or only agents' (agent). */
  authorKind?: AuthorKind;
  /** Text anywhere in the line (ASCII letters in any case). */
  contains?: string;
  /** Text the line starts with (ASCII letters in any case). */
  prefix?: string;
  /** Terms whose characters all appear in the line, in order (ASCII letters in any case). */
  fuzzy?: string[];
}

export interface HistoryQuery extends CommandFilter {
  limit: number;
}

const likeEscape = (t: string) => t.replace(/[\\%_]/g, (c) => '\\' + c);

function filterSql(q: CommandFilter): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    params.push(...values);
  };
  if (q.session) add('session = ?', q.session);
  if (q.cwd) add('cwd = ?', q.cwd);
  if (q.outcome === 'failure') add('exit_code IS NOT NULL AND exit_code <> 0');
  else if (q.outcome === 'success') add('exit_code = 0');
  if (q.exit !== undefined) add('exit_code = ?', q.exit);
  if (q.since !== undefined) add('ts >= ?', q.since);
  if (q.until !== undefined) add('ts < ?', q.until);
  if (q.host) add('host = ?', q.host);
  if (q.author) add('author = ?', q.author);
  if (q.authorKind) add('author_kind = ?', q.authorKind);
  if (q.contains) add("command LIKE ? ESCAPE '\\'", `%${likeEscape(q.contains)}%`);
  if (q.prefix) add("command LIKE ? ESCAPE '\\'", `${likeEscape(q.prefix)}%`);
  for (const term of q.fuzzy ?? []) add("command LIKE ? ESCAPE '\\'", `%${[...term].map(likeEscape).join('%')}%`);
  return { where, params };
}

const whereClause = (where: string[]) => (where.length ? 'WHERE ' + where.join(' AND ') : '');

export class ShellStore {
  constructor(readonly db: Db) {}
  private byUid?: Statement;

  private prepared?: ReturnType<ShellStore['prepare']>;
  /** Prepared once per store: an import inserts in many short transactions. */
  private stmts() {
    return (this.prepared ??= this.prepare());
  }

  private prepare() {
    const db = this.db;
    return {
      insert: db.prepare(`INSERT INTO commands (uid, command, cwd, git_root, exit_code, ts, duration_ms, session, shell, host, user, source, author, author_kind, intent)
        VALUES (@uid, @command, @cwd, @git_root, @exit_code, @ts, @duration_ms, @session, @shell, @host, @user, @source, @author, @author_kind, @intent)
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
    for (const r of records) {
      const row = { ...r, author: r.author === undefined ? r.user : r.author, author_kind: r.author_kind ?? 'human', intent: r.intent ?? null };
      if (s.insert.run(row).changes > 0) added.push(r);
    }
    this.count(s, added);
    return added;
  }

  /**
   * Gives a stored command the exit status and duration it was stored without (an agent's call
   * whose end came after its start had been given up on), and counts the exit in the aggregates.
   * Returns whether it changed anything. Caller holds the transaction.
   */
  complete(uid: string, exit: number | null, duration: number | null): boolean {
    if (exit === null) return false;
    const r = this.db
      .prepare('UPDATE commands SET exit_code = ?, duration_ms = COALESCE(duration_ms, ?) WHERE uid = ? AND exit_code IS NULL RETURNING command, ts')
      .get(exit, duration, uid) as { command: string; ts: number } | undefined;
    if (!r) return false;
    const s = this.stmts();
    const failed = exit !== 0 ? 1 : 0;
    const w = commandWords(r.command);
    s.count.run(r.command, w.name, 0, failed, r.ts);
    s.name.run(w.name, '', 0, failed);
    if (w.subcommand) s.name.run(w.name, w.subcommand, 0, failed);
    s.daily.run(isoDay(r.ts), 0, failed, 1);
    return true;
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

  /** Matching commands, newest last. */
  history(q: HistoryQuery): HistoryRow[] {
    const { where, params } = filterSql(q);
    const sql = `SELECT * FROM (SELECT * FROM commands ${whereClause(where)} ORDER BY ts DESC, id DESC LIMIT ?) ORDER BY ts, id`;
    const rows = this.db.prepare(sql).all(...params, q.limit) as (CommandRecord & { id: number })[];
    return rows.map(({ uid: _u, ts, ...r }) => ({ ...r, author: r.author ?? null, author_kind: r.author_kind ?? 'human', intent: r.intent ?? null, timestamp: new Date(ts).toISOString() }));
  }

  /** One page of matching commands, newest first, starting after `before` (the last row of the page before). */
  page(q: CommandFilter & { before?: { ts: number; id: number }; limit: number }): (HistoryRow & { ts: number })[] {
    const { where, params } = filterSql(q);
    if (q.before) {
      where.push('(ts < ? OR (ts = ? AND id < ?))');
      params.push(q.before.ts, q.before.ts, q.before.id);
    }
    const sql = `SELECT * FROM commands ${whereClause(where)} ORDER BY ts DESC, id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...params, q.limit) as (CommandRecord & { id: number })[];
    return rows.map(({ uid: _u, ...r }) => ({ ...r, author: r.author ?? null, author_kind: r.author_kind ?? 'human', intent: r.intent ?? null, timestamp: new Date(r.ts).toISOString() }));
  }

  /**
   * What was run after this command failed: for its latest failures (by anyone), the next few
   * commands of the same session within `windowMs`, in order. Skipped at once for a command never
   * seen failing (command_counts is keyed by the line).
   */
  afterFailures(command: string, o: { failures: number; next: number; windowMs: number }): { ts: number; exit_code: number; next: { command: string; exit_code: number | null }[] }[] {
    const failed = this.db.prepare('SELECT failures FROM command_counts WHERE command = ?').pluck().get(command) as number | undefined;
    if (!failed) return [];
    const fails = this.db
      .prepare('SELECT session, ts, exit_code FROM commands WHERE command = ? AND exit_code IS NOT NULL AND exit_code <> 0 AND session IS NOT NULL ORDER BY ts DESC LIMIT ?')
      .all(command, o.failures) as { session: string; ts: number; exit_code: number }[];
    const next = this.db.prepare('SELECT command, exit_code FROM commands WHERE session = ? AND ts > ? AND ts <= ? ORDER BY ts, id LIMIT ?');
    return fails.map((f) => ({ ts: f.ts, exit_code: f.exit_code, next: next.all(f.session, f.ts, f.ts + o.windowMs, o.next) as { command: string; exit_code: number | null }[] }));
  }

  /**
   * A failed command of the user's (not an agent's): the one with this id, else the latest failure
   * of `session`, else of the session the user ran a command in last.
   */
  lastFailure(o: { id?: number; session?: string }): FailedCommand | undefined {
    const cols = 'id, command, exit_code, ts, cwd, session';
    if (o.id !== undefined) return this.db.prepare(`SELECT ${cols} FROM commands WHERE id = ? AND exit_code IS NOT NULL AND exit_code <> 0`).get(o.id) as FailedCommand | undefined;
    const session =
      o.session ?? (this.db.prepare(`SELECT session FROM commands WHERE session IS NOT NULL AND ${HUMAN} ORDER BY ts DESC, id DESC LIMIT 1`).pluck().get() as string | undefined);
    if (session === undefined) return undefined;
    return this.db.prepare(`SELECT ${cols} FROM commands WHERE session = ? AND exit_code IS NOT NULL AND exit_code <> 0 AND ${HUMAN} ORDER BY ts DESC, id DESC LIMIT 1`).get(session) as
      | FailedCommand
      | undefined;
  }

  /** The user's failures of commands named `name` before `before` (ts, id), newest first. */
  failuresNamed(name: string, before: { ts: number; id: number }, limit: number): FailedCommand[] {
    return this.db
      .prepare(
        `SELECT id, command, exit_code, ts, cwd, session FROM commands
         WHERE command IN (SELECT command FROM command_counts WHERE name = ? AND failures > 0)
           AND exit_code IS NOT NULL AND exit_code <> 0 AND session IS NOT NULL AND ${HUMAN}
           AND (ts < ? OR (ts = ? AND id < ?))
         ORDER BY ts DESC, id DESC LIMIT ?`,
      )
      .all(name, before.ts, before.ts, before.id, limit) as FailedCommand[];
  }

  /** The command run next in the same session, within `windowMs`. */
  nextInSession(after: { session: string; ts: number; id: number }, windowMs: number): { command: string; exit_code: number | null; ts: number } | undefined {
    return this.db
      .prepare('SELECT command, exit_code, ts FROM commands WHERE session = ? AND (ts > ? OR (ts = ? AND id > ?)) AND ts <= ? ORDER BY ts, id LIMIT 1')
      .get(after.session, after.ts, after.ts, after.id, after.ts + windowMs) as { command: string; exit_code: number | null; ts: number } | undefined;
  }

  /** The author's latest commands (at most `limit`), oldest first. */
  byAuthor(author: string, limit: number): { command: string; ts: number; cwd: string | null; exit_code: number | null; session: string | null }[] {
    return (
      this.db.prepare('SELECT command, ts, cwd, exit_code, session FROM commands WHERE author = ? ORDER BY ts DESC, id DESC LIMIT ?').all(author, limit) as {
        command: string;
        ts: number;
        cwd: string | null;
        exit_code: number | null;
        session: string | null;
      }[]
    ).reverse();
  }

  /** Whether any stored command passes the filter (to say which filter matched nothing). */
  any(q: CommandFilter): boolean {
    const { where, params } = filterSql(q);
    return this.db.prepare(`SELECT EXISTS (SELECT 1 FROM commands ${whereClause(where)})`).pluck().get(...params) === 1;
  }

  /** The stored commands with these ids, in id order. */
  byIds(ids: readonly number[]): HistoryRow[] {
    const out: HistoryRow[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = this.db.prepare(`SELECT * FROM commands WHERE id IN (${chunk.map(() => '?').join(', ')}) ORDER BY id`).all(...chunk) as (CommandRecord & { id: number })[];
      out.push(...rows.map(({ uid: _u, ts, ...r }) => ({ ...r, author: r.author ?? null, author_kind: r.author_kind ?? 'human', intent: r.intent ?? null, timestamp: new Date(ts).toISOString() })));
    }
    return out.sort((a, b) => a.id - b.id);
  }

  /** Deletes the commands with these ids and rebuilds the aggregates. Caller holds the transaction. */
  removeIds(ids: readonly number[]): number {
    const del = this.db.prepare('DELETE FROM commands WHERE id = ?');
    let n = 0;
    for (const id of ids) n += del.run(id).changes;
    if (n) this.rebuildAggregates();
    return n;
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

  /** One command as the bundle carries it, by uid (team sync pushes it). */
  exportRow(uid: string): CommandRecord | undefined {
    this.byUid ??= this.db.prepare('SELECT uid, command, cwd, git_root, exit_code, ts, duration_ms, session, shell, host, user, source, author, author_kind, intent FROM commands WHERE uid = ?');
    return this.byUid.get(uid) as CommandRecord | undefined;
  }

  /**
   * Another store rewrote (prune redaction) or deleted commands (team sync): applied here, then the
   * aggregates are rebuilt. Caller holds the transaction; the caller resets predictions.
   */
  applySynced(rewrites: readonly CommandRecord[], deletes: readonly string[]): number {
    const upd = this.db.prepare('UPDATE commands SET command = ? WHERE uid = ?');
    const del = this.db.prepare('DELETE FROM commands WHERE uid = ?');
    let n = 0;
    for (const r of rewrites) {
      const changed = upd.run(r.command, r.uid).changes;
      n += changed || this.insert([r]).length;
    }
    for (const u of deletes) n += del.run(u).changes;
    if (n) this.rebuildAggregates();
    return n;
  }

  /** Every command as the bundle carries it, in id order, streamed. */
  exportRows(): Iterable<CommandRecord> {
    return streamed(
      () =>
        this.db
          .prepare('SELECT uid, command, cwd, git_root, exit_code, ts, duration_ms, session, shell, host, user, source, author, author_kind, intent FROM commands ORDER BY id')
          .iterate() as Iterator<CommandRecord>,
    );
  }

  lastRecord(): { ts: number; source: string } | undefined {
    return this.db.prepare("SELECT ts, source FROM commands WHERE source = 'hook' ORDER BY ts DESC LIMIT 1").get() as { ts: number; source: string } | undefined;
  }
}
