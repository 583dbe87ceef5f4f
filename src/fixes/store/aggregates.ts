// Aggregates (issue patterns, model characteristics, daily counts) are a function of raw attempts
// plus the archive of cleaned-up ones. Both recording and rebuilding go through applyContribution,
// so the incremental path and the rebuild can never disagree.
import type { Db } from '../../db/open.js';
import { isoDay } from '../../util/time.js';

/** What one attempt, or one archive row (many attempts rolled up), adds to the aggregates. */
export interface Contribution {
  issue_signature: string;
  pattern_name: string;
  issue_type: string;
  model_name: string;
  model_family: string;
  fixer_type: string;
  fix_key: string;
  fix_commands: string; // JSON array
  day: string;
  attempts: number;
  successes: number;
  exec_time_sum: number;
  exec_count: number;
  first_ts: number;
  last_ts: number;
}

export function patternName(issueType: string, family: string, description: string, prompt: string): string {
  const about = (description || prompt).replace(/\s+/g, ' ').trim().slice(0, 60);
  return `${issueType} on ${family || 'unknown'}${about ? `: ${about}` : ''}`;
}

export interface AttemptRow {
  ts: number;
  model_name: string;
  model_family: string;
  issue_type: string;
  issue_signature: string;
  description: string;
  test_prompt: string;
  fixer_type: string;
  fix_commands: string;
  fix_key: string;
  fix_success: number;
  execution_time: number | null;
}

export function contributionOf(a: AttemptRow): Contribution {
  return {
    issue_signature: a.issue_signature,
    pattern_name: patternName(a.issue_type, a.model_family, a.description, a.test_prompt),
    issue_type: a.issue_type,
    model_name: a.model_name,
    model_family: a.model_family,
    fixer_type: a.fixer_type,
    fix_key: a.fix_key,
    fix_commands: a.fix_commands,
    day: isoDay(a.ts),
    attempts: 1,
    successes: a.fix_success ? 1 : 0,
    exec_time_sum: a.execution_time ?? 0,
    exec_count: a.execution_time === null ? 0 : 1,
    first_ts: a.ts,
    last_ts: a.ts,
  };
}

export class Aggregator {
  private stmts;
  constructor(private db: Db) {
    this.stmts = {
      pattern: db.prepare(`
        INSERT INTO issue_patterns (issue_signature, name, issue_type, model_family, success_count, failure_count, first_seen, last_seen, confidence)
        VALUES (@issue_signature, @pattern_name, @issue_type, @model_family, @successes, @attempts - @successes, @first_ts, @last_ts, MIN(1.0, @attempts / 10.0))
        ON CONFLICT (issue_signature) DO UPDATE SET
          success_count = success_count + excluded.success_count,
          failure_count = failure_count + excluded.failure_count,
          first_seen = MIN(first_seen, excluded.first_seen),
          name = CASE WHEN excluded.last_seen >= last_seen THEN excluded.name ELSE name END,
          last_seen = MAX(last_seen, excluded.last_seen),
          confidence = MIN(1.0, (success_count + failure_count + excluded.success_count + excluded.failure_count) / 10.0)`),
      patternFix: db.prepare(`
        INSERT INTO pattern_fixes (issue_signature, fix_key, fix_commands, successes, failures, last_used)
        VALUES (@issue_signature, @fix_key, @fix_commands, @successes, @attempts - @successes, @last_ts)
        ON CONFLICT (issue_signature, fix_key) DO UPDATE SET
          successes = successes + excluded.successes, failures = failures + excluded.failures,
          last_used = MAX(last_used, excluded.last_used)`),
      bestFix: db.prepare(`
        UPDATE issue_patterns SET best_fix = (
          SELECT fix_commands FROM pattern_fixes
          WHERE issue_signature = @issue_signature AND successes > 0 AND fix_commands <> '[]'
          ORDER BY successes DESC, successes * 1.0 / (successes + failures) DESC, last_used DESC LIMIT 1)
        WHERE issue_signature = @issue_signature`),
      model: db.prepare(`
        INSERT INTO model_characteristics (model_name, model_family, total_tests, successes, success_rate, first_seen, last_updated)
        VALUES (@model_name, @model_family, @attempts, @successes, @successes * 1.0 / @attempts, @first_ts, @last_ts)
        ON CONFLICT (model_name) DO UPDATE SET
          total_tests = total_tests + excluded.total_tests,
          successes = successes + excluded.successes,
          success_rate = (successes + excluded.successes) * 1.0 / (total_tests + excluded.total_tests),
          first_seen = MIN(first_seen, excluded.first_seen),
          last_updated = MAX(last_updated, excluded.last_updated)`),
      modelIssue: db.prepare(`
        INSERT INTO model_issues (model_name, issue_type, occurrences, successes) VALUES (@model_name, @issue_type, @attempts, @successes)
        ON CONFLICT (model_name, issue_type) DO UPDATE SET
          occurrences = occurrences + excluded.occurrences, successes = successes + excluded.successes`),
      modelFix: db.prepare(`
        INSERT INTO model_fixes (model_name, fix_key, fix_commands, successes, failures, last_used)
        VALUES (@model_name, @fix_key, @fix_commands, @successes, @attempts - @successes, @last_ts)
        ON CONFLICT (model_name, fix_key) DO UPDATE SET
          successes = successes + excluded.successes, failures = failures + excluded.failures,
          last_used = MAX(last_used, excluded.last_used)`),
      daily: db.prepare(`
        INSERT INTO fix_daily (day, fixer_type, issue_type, attempts, successes, exec_time_sum, exec_count)
        VALUES (@day, @fixer_type, @issue_type, @attempts, @successes, @exec_time_sum, @exec_count)
        ON CONFLICT (day, fixer_type, issue_type) DO UPDATE SET
          attempts = attempts + excluded.attempts, successes = successes + excluded.successes,
          exec_time_sum = exec_time_sum + excluded.exec_time_sum, exec_count = exec_count + excluded.exec_count`),
    };
  }

  apply(c: Contribution): void {
    const s = this.stmts;
    s.pattern.run(c);
    s.patternFix.run(c);
    if (c.successes > 0) s.bestFix.run({ issue_signature: c.issue_signature });
    s.model.run(c);
    s.modelIssue.run(c);
    s.modelFix.run(c);
    s.daily.run(c);
  }
}

const DERIVED = ['issue_patterns', 'pattern_fixes', 'model_characteristics', 'model_issues', 'model_fixes', 'fix_daily'];

/** Recomputes every derived table from raw attempts + archive. Call inside a transaction. */
export function rebuildAggregates(db: Db): void {
  const notes = db.prepare('SELECT model_name, notes FROM model_characteristics WHERE notes <> ?').all('') as { model_name: string; notes: string }[];
  for (const t of DERIVED) db.prepare(`DELETE FROM ${t}`).run();
  const agg = new Aggregator(db);
  for (const row of db.prepare('SELECT * FROM fix_archive').all() as Contribution[]) agg.apply(row);
  // Paged, because a connection cannot write while an iterator is open on it.
  const page = db.prepare('SELECT * FROM fix_attempts WHERE id > ? ORDER BY id LIMIT 5000');
  for (let last = 0; ; ) {
    const rows = page.all(last) as (AttemptRow & { id: number })[];
    if (rows.length === 0) break;
    for (const row of rows) agg.apply(contributionOf(row));
    last = rows[rows.length - 1]!.id;
  }
  const setNote = db.prepare('UPDATE model_characteristics SET notes = ? WHERE model_name = ?');
  for (const n of notes) setNote.run(n.notes, n.model_name);
}
