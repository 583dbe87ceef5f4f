// The picker's reads, each one query: the distinct commands of the whole history come from the
// per-command totals kept on every insert (command_counts: no scan of the rows), the narrower
// scopes from the rows through their indexes (session, directory; a repository is a range of
// directories; a host is the sessions that ran on it), and the details of a row on screen from
// the time index.
import type { Db } from '../db/open.js';

/** One distinct command line with its totals (in the scope it was read for). */
export interface CandidateRow {
  command: string;
  count: number;
  failures: number;
  last_ts: number;
  /** The latest run, when the scope's query read it (the whole history reads it per row shown). */
  run?: RunDetail;
}

export interface RunDetail {
  id: number;
  exit_code: number | null;
  duration_ms: number | null;
  cwd: string | null;
}

export type ScopeFilter = { kind: 'all' } | { kind: 'session'; session: string } | { kind: 'cwd'; cwd: string } | { kind: 'repo'; root: string } | { kind: 'host'; host: string };

/** Distinct commands read at once by page(): a few ms here. */
export const PAGE = 1000;

type Raw = [command: string, id: number, ts: number, exit_code: number | null, duration_ms: number | null, cwd: string | null];

export class PickerStore {
  constructor(readonly db: Db) {}

  /** Every distinct command in `scope`, any order. */
  candidates(scope: ScopeFilter): CandidateRow[] {
    if (scope.kind === 'all') {
      const all: CandidateRow[] = [];
      for (let page = this.page(null); page.rows.length; page = this.page(page.last)) all.push(...page.rows);
      return all;
    }
    const cols = 'SELECT command, id, ts, exit_code, duration_ms, cwd FROM commands';
    let rows: Raw[];
    if (scope.kind === 'session') rows = this.db.prepare(`${cols} WHERE session = ? ORDER BY ts DESC, id DESC`).raw().all(scope.session) as Raw[];
    else if (scope.kind === 'cwd') rows = this.db.prepare(`${cols} WHERE cwd = ? ORDER BY ts DESC, id DESC`).raw().all(scope.cwd) as Raw[];
    else if (scope.kind === 'repo') {
      // The root and every directory under it: '0' is the character after '/'.
      const root = scope.root.replace(/\/+$/, '');
      rows = this.db.prepare(`${cols} WHERE cwd = ? OR (cwd >= ? AND cwd < ?) ORDER BY ts DESC, id DESC`).raw().all(root, `${root}/`, `${root}0`) as Raw[];
    } else {
      rows = this.db
        .prepare(`${cols} WHERE session IN (SELECT session FROM shell_sessions WHERE host = ?) ORDER BY ts DESC, id DESC`)
        .raw()
        .all(scope.host) as Raw[];
    }
    // Newest first: the first row of a command is its latest run.
    const byCommand = new Map<string, CandidateRow>();
    for (const [command, id, ts, exit_code, duration_ms, cwd] of rows) {
      const failed = exit_code !== null && exit_code !== 0 ? 1 : 0;
      const c = byCommand.get(command);
      if (c) {
        c.count++;
        c.failures += failed;
      } else byCommand.set(command, { command, count: 1, failures: failed, last_ts: ts, run: { id, exit_code, duration_ms, cwd } });
    }
    return [...byCommand.values()];
  }

  /**
   * The whole history's distinct commands after `after` (from the first when null), in SQLite's
   * order, at most PAGE of them, and the last one (where the next page starts): read a page at a
   * time, so that a front end can take keys in between. One JSON text parsed in JS costs a third
   * less than a value per column through the driver.
   */
  page(after: string | null): { rows: CandidateRow[]; last: string | null } {
    const cols = 'SELECT json_group_array(json_array(command, count, failures, last_ts)), max(command) FROM (SELECT * FROM command_counts';
    const [json, last] = (
      after === null
        ? this.db.prepare(`${cols} ORDER BY command LIMIT ${PAGE})`).raw().get()
        : this.db.prepare(`${cols} WHERE command > ? ORDER BY command LIMIT ${PAGE})`).raw().get(after)
    ) as [string, string | null];
    const rows = (JSON.parse(json) as [string, number, number, number][]).map(([command, count, failures, last_ts]) => ({ command, count, failures, last_ts }));
    return { rows, last };
  }

  private latest?: ReturnType<Db['prepare']> & { get(ts: number, command: string): unknown };
  /**
   * The first screen's candidates without reading them all: the most recent and the most frequent
   * commands of the whole history (an empty query ranks by recency and frequency).
   */
  firstScreen(recent: number, frequent: number): CandidateRow[] {
    const json = this.db
      .prepare(
        `SELECT json_group_array(json_array(command, count, failures, last_ts)) FROM (
           SELECT * FROM (SELECT * FROM command_counts ORDER BY last_ts DESC LIMIT ?)
           UNION SELECT * FROM (SELECT * FROM command_counts ORDER BY count DESC LIMIT ?))`,
      )
      .pluck()
      .get(recent, frequent) as string;
    return (JSON.parse(json) as [string, number, number, number][]).map(([command, count, failures, last_ts]) => ({ command, count, failures, last_ts }));
  }

  /** The latest run of `command`, which started at `ts` (found through the time index). */
  latestRun(command: string, ts: number): RunDetail | undefined {
    this.latest ??= this.db.prepare('SELECT id, exit_code, duration_ms, cwd FROM commands WHERE ts = ? AND command = ? ORDER BY id DESC LIMIT 1');
    return this.latest.get(ts, command) as RunDetail | undefined;
  }

  /** How often each command ran in directory `cwd`. */
  countsIn(cwd: string): Map<string, number> {
    const rows = this.db.prepare('SELECT command, COUNT(*) FROM commands WHERE cwd = ? GROUP BY command').raw().all(cwd) as [string, number][];
    return new Map(rows);
  }

  /** The stored rows of a command line (all its runs). */
  idsOf(command: string): number[] {
    return this.db.prepare('SELECT id FROM commands WHERE command = ?').pluck().all(command) as number[];
  }
}
