// `mem stats` for fix attempts: computed from fix_daily and the other aggregates, never a scan of
// raw attempts.
import { dirname } from 'node:path';
import type { Db } from '../../db/open.js';
import { isoDay } from '../../util/time.js';

const DAY = 86_400_000;

export interface FixTotals {
  total_fixes_attempted: number;
  successful_fixes: number;
  success_rate: number;
  models_encountered: number;
  issue_types_seen: number;
  recent_activity_7days: number;
  knowledge_base_size: number;
  memory_directory: string;
}

export interface FixStats {
  fixes: FixTotals;
  by_fixer_type: { fixer_type: string; attempts: number; successes: number; success_rate: number }[];
  by_issue_type: { issue_type: string; occurrences: number; avg_fix_time: number | null; success_rate: number }[];
  daily_trend: { day: string; attempts: number; successes: number }[];
}

export function fixStats(db: Db, dbPath: string, now: number): FixStats {
  const totals = db.prepare('SELECT COALESCE(SUM(attempts), 0) AS attempts, COALESCE(SUM(successes), 0) AS successes FROM fix_daily').get() as {
    attempts: number;
    successes: number;
  };
  const count = (sql: string, ...p: unknown[]) => (db.prepare(sql).get(...p) as { n: number }).n;
  // Days are UTC calendar days; "7 days" means today and the six days before it.
  const weekStart = isoDay(now - 6 * DAY);
  const monthStart = isoDay(now - 29 * DAY);

  const byFixer = db
    .prepare('SELECT fixer_type, SUM(attempts) AS attempts, SUM(successes) AS successes FROM fix_daily GROUP BY fixer_type ORDER BY attempts DESC')
    .all() as { fixer_type: string; attempts: number; successes: number }[];
  const byType = db
    .prepare(
      `SELECT issue_type, SUM(attempts) AS occurrences, SUM(successes) AS successes, SUM(exec_time_sum) AS t, SUM(exec_count) AS c
       FROM fix_daily GROUP BY issue_type ORDER BY occurrences DESC`,
    )
    .all() as { issue_type: string; occurrences: number; successes: number; t: number; c: number }[];
  const daily = new Map(
    (db.prepare('SELECT day, SUM(attempts) AS attempts, SUM(successes) AS successes FROM fix_daily WHERE day >= ? GROUP BY day').all(monthStart) as {
      day: string;
      attempts: number;
      successes: number;
    }[]).map((d) => [d.day, d]),
  );

  return {
    fixes: {
      total_fixes_attempted: totals.attempts,
      successful_fixes: totals.successes,
      success_rate: totals.attempts ? totals.successes / totals.attempts : 0,
      models_encountered: count('SELECT COUNT(*) AS n FROM model_characteristics'),
      issue_types_seen: count('SELECT COUNT(DISTINCT issue_type) AS n FROM fix_daily'),
      recent_activity_7days: count('SELECT COALESCE(SUM(attempts), 0) AS n FROM fix_daily WHERE day >= ?', weekStart),
      knowledge_base_size: count('SELECT COUNT(*) AS n FROM issue_patterns'),
      memory_directory: dirname(dbPath),
    },
    by_fixer_type: byFixer.map((f) => ({ ...f, success_rate: f.attempts ? f.successes / f.attempts : 0 })),
    by_issue_type: byType.map((t) => ({
      issue_type: t.issue_type,
      occurrences: t.occurrences,
      avg_fix_time: t.c ? t.t / t.c : null,
      success_rate: t.occurrences ? t.successes / t.occurrences : 0,
    })),
    daily_trend: Array.from({ length: 30 }, (_, i) => {
      const day = isoDay(now - (29 - i) * DAY);
      const d = daily.get(day);
      return { day, attempts: d?.attempts ?? 0, successes: d?.successes ?? 0 };
    }),
  };
}
