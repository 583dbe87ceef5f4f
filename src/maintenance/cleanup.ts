// Removes raw records older than a cut-off. Fix attempts are rolled up into fix_archive first, in
// the same transaction, so every aggregate (patterns, model characteristics, stats) is unchanged.
// Shell history is kept (it is what prediction learns from; `mem prune` applies filters to it).
import type { Db } from '../db/open.js';
import { ensureVec, storeId } from '../db/open.js';
import { VECTOR_TABLES } from '../memory/store.js';

export interface CleanupReport {
  cutoff: string;
  dry_run: boolean;
  removed: { fix_attempts: number; deleted_memories: number; one_off_workflows: number };
  archive_rows: number;
}

export function cleanup(db: Db, cutoffMs: number, dryRun: boolean): CleanupReport {
  const n = (sql: string) => (db.prepare(sql).get(cutoffMs) as { n: number }).n;
  const count = n('SELECT COUNT(*) AS n FROM fix_attempts WHERE ts < ?');
  // Memories are knowledge, not raw records: only those already deleted (`mem rm`) are purged
  // here, once older than the cut-off. Live memories, patterns and episodes stay.
  const deletedMemories = n('SELECT COUNT(*) AS n FROM memories WHERE deleted_at IS NOT NULL AND deleted_at < ?');
  // A command sequence seen once, long ago, is not a workflow: its counter goes.
  const oneOff = n('SELECT COUNT(*) AS n FROM workflows WHERE occurrences = 1 AND last_seen < ?');
  const report: CleanupReport = {
    cutoff: new Date(cutoffMs).toISOString(),
    dry_run: dryRun,
    removed: { fix_attempts: count, deleted_memories: deletedMemories, one_off_workflows: oneOff },
    archive_rows: 0,
  };
  if (dryRun) return report;
  db.transaction(() => {
    db.prepare('DELETE FROM workflow_dirs WHERE key IN (SELECT key FROM workflows WHERE occurrences = 1 AND last_seen < ?)').run(cutoffMs);
    db.prepare('DELETE FROM workflows WHERE occurrences = 1 AND last_seen < ?').run(cutoffMs);
    const purge = db.prepare('SELECT n FROM memories WHERE deleted_at IS NOT NULL AND deleted_at < ?').all(cutoffMs) as { n: number }[];
    if (purge.length) {
      ensureVec(db);
      for (const { n: id } of purge) for (const t of Object.values(VECTOR_TABLES)) db.prepare(`DELETE FROM ${t} WHERE rowid = ?`).run(BigInt(id));
      db.prepare('DELETE FROM memories WHERE deleted_at IS NOT NULL AND deleted_at < ?').run(cutoffMs);
    }
  })();
  if (count === 0) return report;
  db.transaction(() => {
    const origin = storeId(db);
    report.archive_rows = db
      .prepare(
        `INSERT INTO fix_archive (origin, day, issue_signature, model_name, fixer_type, fix_key, issue_type, model_family, pattern_name,
           fix_commands, attempts, successes, exec_time_sum, exec_count, first_ts, last_ts)
         SELECT ?, strftime('%Y-%m-%d', a.ts / 1000, 'unixepoch'), a.issue_signature, a.model_name, a.fixer_type, a.fix_key,
           a.issue_type, a.model_family, COALESCE(p.name, a.issue_type), a.fix_commands, COUNT(*), SUM(a.fix_success),
           COALESCE(SUM(a.execution_time), 0), COUNT(a.execution_time), MIN(a.ts), MAX(a.ts)
         FROM fix_attempts a LEFT JOIN issue_patterns p USING (issue_signature)
         WHERE a.ts < ?
         GROUP BY 2, a.issue_signature, a.model_name, a.fixer_type, a.fix_key
         ON CONFLICT (origin, day, issue_signature, model_name, fixer_type, fix_key) DO UPDATE SET
           attempts = attempts + excluded.attempts, successes = successes + excluded.successes,
           exec_time_sum = exec_time_sum + excluded.exec_time_sum, exec_count = exec_count + excluded.exec_count,
           first_ts = MIN(first_ts, excluded.first_ts), last_ts = MAX(last_ts, excluded.last_ts)`,
      )
      .run(origin, cutoffMs).changes;
    db.prepare('INSERT OR IGNORE INTO fix_tombstones (uid) SELECT uid FROM fix_attempts WHERE ts < ?').run(cutoffMs);
    db.prepare('DELETE FROM fix_attempts WHERE ts < ?').run(cutoffMs);
  })();
  return report;
}
