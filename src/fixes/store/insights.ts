// What mem has learned from fix attempts, as plain data. Reads the aggregate tables, so every
// function here stays fast however many raw attempts the store holds.
import type { Db } from '../../db/open.js';

const rate = (s: number, n: number): number | null => (n > 0 ? s / n : null);
const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export interface IssuePattern {
  name: string;
  issue_signature: string;
  issue_type: string;
  model_family: string;
  attempts: number;
  success_count: number;
  failure_count: number;
  success_rate: number | null;
  confidence: number;
  best_fix: string[] | null;
  first_seen: string | null;
  last_seen: string | null;
}

interface PatternRow {
  issue_signature: string;
  name: string;
  issue_type: string;
  model_family: string;
  success_count: number;
  failure_count: number;
  best_fix: string | null;
  first_seen: number;
  last_seen: number;
  confidence: number;
}

function toPattern(r: PatternRow): IssuePattern {
  const attempts = r.success_count + r.failure_count;
  return {
    name: r.name,
    issue_signature: r.issue_signature,
    issue_type: r.issue_type,
    model_family: r.model_family,
    attempts,
    success_count: r.success_count,
    failure_count: r.failure_count,
    success_rate: rate(r.success_count, attempts),
    confidence: r.confidence,
    best_fix: r.best_fix ? (JSON.parse(r.best_fix) as string[]) : null,
    first_seen: iso(r.first_seen),
    last_seen: iso(r.last_seen),
  };
}

export function listPatterns(db: Db, opts: { limit: number; minAttempts: number; issueType?: string }): IssuePattern[] {
  const rows = db
    .prepare(
      `SELECT * FROM issue_patterns WHERE success_count + failure_count >= ? AND (? IS NULL OR issue_type = ?)
       ORDER BY success_count + failure_count DESC, last_seen DESC LIMIT ?`,
    )
    .all(opts.minAttempts, opts.issueType ?? null, opts.issueType ?? null, opts.limit) as PatternRow[];
  return rows.map(toPattern);
}

export function getPattern(db: Db, signature: string): IssuePattern | null {
  const r = db.prepare('SELECT * FROM issue_patterns WHERE issue_signature = ?').get(signature) as PatternRow | undefined;
  return r ? toPattern(r) : null;
}

export interface FixStrategy {
  fix_commands: string[];
  successes: number;
  failures: number;
  success_rate: number | null;
}

const toStrategy = (r: { fix_commands: string; successes: number; failures: number }): FixStrategy => ({
  fix_commands: JSON.parse(r.fix_commands) as string[],
  successes: r.successes,
  failures: r.failures,
  success_rate: rate(r.successes, r.successes + r.failures),
});

export interface ModelInsight {
  model: string;
  model_family: string;
  total_tests: number;
  successes: number;
  success_rate: number;
  first_seen: string | null;
  last_updated: string | null;
  notes: string;
  common_issues: { issue_type: string; occurrences: number; success_rate: number | null }[];
  effective_fixes: FixStrategy[];
}

export function modelInsight(db: Db, model: string, top = 5): ModelInsight | null {
  const m = db.prepare('SELECT * FROM model_characteristics WHERE model_name = ?').get(model) as
    | { model_name: string; model_family: string; total_tests: number; successes: number; success_rate: number; first_seen: number; last_updated: number; notes: string }
    | undefined;
  if (!m) return null;
  const issues = db
    .prepare('SELECT issue_type, occurrences, successes FROM model_issues WHERE model_name = ? ORDER BY occurrences DESC, issue_type LIMIT ?')
    .all(model, top) as { issue_type: string; occurrences: number; successes: number }[];
  const fixes = db
    .prepare(
      `SELECT fix_commands, successes, failures FROM model_fixes WHERE model_name = ? AND successes > 0 AND fix_commands <> '[]'
       ORDER BY successes DESC, successes * 1.0 / (successes + failures) DESC, last_used DESC LIMIT ?`,
    )
    .all(model, top) as { fix_commands: string; successes: number; failures: number }[];
  return {
    model: m.model_name,
    model_family: m.model_family,
    total_tests: m.total_tests,
    successes: m.successes,
    success_rate: m.success_rate,
    first_seen: iso(m.first_seen),
    last_updated: iso(m.last_updated),
    notes: m.notes,
    common_issues: issues.map((i) => ({ issue_type: i.issue_type, occurrences: i.occurrences, success_rate: rate(i.successes, i.occurrences) })),
    effective_fixes: fixes.map(toStrategy),
  };
}

export function setModelNotes(db: Db, model: string, notes: string): boolean {
  return db.prepare('UPDATE model_characteristics SET notes = ? WHERE model_name = ?').run(notes, model).changes > 0;
}

export interface TypeStrategies {
  issue_type: string;
  attempts: number;
  successes: number;
  success_rate: number | null;
  strategies: FixStrategy[];
}

/** The fix command lists that worked most often, per issue type (across models). */
export function successfulStrategies(db: Db, opts: { perType: number; issueType?: string }): TypeStrategies[] {
  const types = db
    .prepare(
      `SELECT issue_type, SUM(success_count + failure_count) AS attempts, SUM(success_count) AS successes
       FROM issue_patterns WHERE (? IS NULL OR issue_type = ?) GROUP BY issue_type ORDER BY successes DESC, attempts DESC`,
    )
    .all(opts.issueType ?? null, opts.issueType ?? null) as { issue_type: string; attempts: number; successes: number }[];
  const top = db.prepare(
    `SELECT f.fix_commands, SUM(f.successes) AS successes, SUM(f.failures) AS failures
     FROM pattern_fixes f JOIN issue_patterns p USING (issue_signature)
     WHERE p.issue_type = ? AND f.fix_commands <> '[]'
     GROUP BY f.fix_key HAVING SUM(f.successes) > 0
     ORDER BY successes DESC, successes * 1.0 / (successes + failures) DESC LIMIT ?`,
  );
  return types.map((t) => ({
    issue_type: t.issue_type,
    attempts: t.attempts,
    successes: t.successes,
    success_rate: rate(t.successes, t.attempts),
    strategies: (top.all(t.issue_type, opts.perType) as { fix_commands: string; successes: number; failures: number }[]).map(toStrategy),
  }));
}

/** Issue patterns whose name mentions any of these words (models, issue types, tools), most seen first. */
export function patternsMentioning(db: Db, terms: readonly string[], limit: number): IssuePattern[] {
  if (!terms.length) return [];
  const where = terms.map(() => 'LOWER(name) LIKE ?').join(' OR ');
  const rows = db.prepare(`SELECT * FROM issue_patterns WHERE ${where} ORDER BY success_count + failure_count DESC LIMIT ?`).all(...terms.map((t) => `%${t}%`), limit) as PatternRow[];
  return rows.map(toPattern);
}
