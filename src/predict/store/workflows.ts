// Learned workflows: command sequences of 3 to 5 steps that recur, counted incrementally as
// commands are learned. A sequence is keyed by the templates of its steps (so `git commit -m "a"`
// and `git commit -m "b"` are the same step) and never spans a session boundary. For each: how often
// it happened, in how many sessions, how often every step succeeded, its usual directory and when
// it was last seen.
import type { Db } from '../../db/open.js';
import { writeTx } from '../../db/tx.js';

export const MIN_STEPS = 3;
export const MAX_STEPS = 5;
const SEP = '\x1e';

export interface Step {
  command: string;
  template: string;
  exit_code: number | null;
  cwd: string | null;
}

export class WorkflowCounter {
  private upsert;
  private dir;
  private topDir;
  constructor(db: Db) {
    this.upsert = db.prepare(`
      INSERT INTO workflows (key, length, example, occurrences, sessions, last_session, successes, failures, last_seen)
      VALUES (@key, @length, @example, 1, 1, @session, @ok, @bad, @ts)
      ON CONFLICT (key) DO UPDATE SET
        example = excluded.example, occurrences = occurrences + 1,
        sessions = sessions + (last_session IS NOT excluded.last_session),
        last_session = excluded.last_session,
        successes = successes + excluded.successes, failures = failures + excluded.failures,
        last_seen = MAX(last_seen, excluded.last_seen)`);
    this.dir = db.prepare(`INSERT INTO workflow_dirs (key, cwd, count) VALUES (?, ?, 1)
      ON CONFLICT (key, cwd) DO UPDATE SET count = count + 1 RETURNING count`);
    this.topDir = db.prepare('UPDATE workflows SET top_cwd = ?, top_cwd_count = ? WHERE key = ? AND top_cwd_count < ?');
  }

  /** `window` is the session's last steps, oldest first, ending with the step just learned. */
  observe(window: readonly Step[], session: string, ts: number): void {
    for (let n = MIN_STEPS; n <= Math.min(MAX_STEPS, window.length); n++) {
      const steps = window.slice(window.length - n);
      // A run of one command repeated is not a workflow.
      if (new Set(steps.map((s) => s.template)).size < 2) continue;
      const key = steps.map((s) => s.template).join(SEP);
      const known = steps.every((s) => s.exit_code !== null);
      const ok = known && steps.every((s) => s.exit_code === 0) ? 1 : 0;
      const bad = steps.some((s) => s.exit_code !== null && s.exit_code !== 0) ? 1 : 0;
      this.upsert.run({ key, length: n, example: steps.map((s) => s.command).join(SEP), session, ok, bad, ts });
      const cwd = steps[0]!.cwd;
      if (cwd) {
        const { count } = this.dir.get(key, cwd) as { count: number };
        this.topDir.run(cwd, count, key, count);
      }
    }
  }
}

/** Forgets every counted workflow (they are counted again as the commands are relearned). Caller holds the transaction. */
export function clearWorkflows(db: Db): void {
  db.prepare('DELETE FROM workflow_dirs').run();
  db.prepare('DELETE FROM workflows').run();
}

/** A command sequence seen once, long ago, is not a workflow: counted, or its counter removed. */
export function dropOneOffWorkflows(db: Db, cutoffMs: number, dryRun: boolean): number {
  if (dryRun) return db.prepare('SELECT COUNT(*) FROM workflows WHERE occurrences = 1 AND last_seen < ?').pluck().get(cutoffMs) as number;
  return writeTx(db, () => {
    db.prepare('DELETE FROM workflow_dirs WHERE key IN (SELECT key FROM workflows WHERE occurrences = 1 AND last_seen < ?)').run(cutoffMs);
    return db.prepare('DELETE FROM workflows WHERE occurrences = 1 AND last_seen < ?').run(cutoffMs).changes;
  });
}

/** A counted sequence as stored: its templates (the key), an example of its lines, its counts. */
export interface WorkflowRow {
  templates: string[];
  steps: string[];
  occurrences: number;
  sessions: number;
  successes: number;
  failures: number;
  last_seen: number;
  top_cwd: string | null;
}

interface Row {
  key: string;
  example: string;
  occurrences: number;
  sessions: number;
  successes: number;
  failures: number;
  last_seen: number;
  top_cwd: string | null;
}

/** Sequences seen at least `minCount` times in at least two sessions (optionally in `cwd`), most frequent first. */
export function workflowRows(db: Db, o: { minCount: number; cwd?: string; limit: number }): WorkflowRow[] {
  const rows = db
    .prepare(
      `SELECT w.* FROM workflows w WHERE occurrences >= ? AND sessions >= 2
       ${o.cwd ? 'AND EXISTS (SELECT 1 FROM workflow_dirs d WHERE d.key = w.key AND d.cwd = ?)' : ''}
       ORDER BY occurrences DESC, length DESC, last_seen DESC LIMIT ?`,
    )
    .all(...[o.minCount, ...(o.cwd ? [o.cwd] : []), o.limit]) as Row[];
  return rows.map(({ key, example, ...r }) => ({ templates: key.split(SEP), steps: example.split(SEP), ...r }));
}

/** Whether any workflow has been counted at all (an empty list then says which filter matched nothing). */
export function anyWorkflows(db: Db, o: { cwd?: string } = {}): boolean {
  if (o.cwd) return db.prepare('SELECT 1 FROM workflow_dirs WHERE cwd = ? LIMIT 1').get(o.cwd) !== undefined;
  return db.prepare('SELECT 1 FROM workflows LIMIT 1').get() !== undefined;
}
