// Removes raw records older than a cut-off. Fix attempts are rolled up into fix_archive first, in
// the same transaction, so every aggregate (patterns, model characteristics, stats) is unchanged.
import type { Db } from '../db/open.js';
import { storeId } from '../db/open.js';

export interface CleanupReport {
  cutoff: string;
  dry_run: boolean;
  removed: { fix_attempts: number };
  archive_rows: number;
}

export function cleanup(db: Db, cutoffMs: number, dryRun: boolean): CleanupReport {
  const count = (db.prepare('SELECT COUNT(*) AS n FROM fix_attempts WHERE ts < ?').get(cutoffMs) as { n: number }).n;
  const report: CleanupReport = { cutoff: new Date(cutoffMs).toISOString(), dry_run: dryRun, removed: { fix_attempts: count }, archive_rows: 0 };
  if (dryRun || count === 0) return report;
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
