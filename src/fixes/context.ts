// What a fixer needs before its next attempt: the model's record, the same and similar issues,
// what worked and what failed, and the strategies that work for this kind of issue.
import type { Db } from '../db/open.js';
import { UsageError } from '../errors.js';
import type { IssueQuery } from './input.js';
import { getPattern, modelInsight, successfulStrategies, type FixStrategy, type IssuePattern, type ModelInsight } from './store/insights.js';
import { issueSignature, modelFamily, normalizeIssueType } from './signature.js';
import { FixStore, type FixAttempt } from './store/attempts.js';

export interface SimilarIssues {
  exact_matches: FixAttempt[];
  model_matches: FixAttempt[];
  type_matches: FixAttempt[];
}

export interface ResolvedIssue {
  model: string | null;
  model_family: string | null;
  issue_type: string;
  issue_signature: string | null;
}

export function resolveIssue(q: IssueQuery): ResolvedIssue {
  if (!q.issue_type) throw new UsageError('an issue type is required (--issue-type or issue_data.issue_type)');
  const issue_type = normalizeIssueType(q.issue_type);
  const model = q.model?.trim() || null;
  return {
    model,
    model_family: model ? modelFamily(model) : null,
    issue_type,
    issue_signature: model
      ? issueSignature({ issue_type, model, test_prompt: q.test_prompt ?? '', actual_response: q.actual_response ?? '' })
      : null,
  };
}

/** Three disjoint lists: same signature; same model and type; same type on other models. */
export function findSimilar(db: Db, issue: ResolvedIssue, limit: number): SimilarIssues {
  const store = new FixStore(db);
  return {
    exact_matches: issue.issue_signature ? store.bySignature(issue.issue_signature, limit) : [],
    model_matches: issue.model ? store.byModelAndType(issue.model, issue.issue_type, issue.issue_signature, limit) : [],
    type_matches: store.byType(issue.issue_type, issue.model, issue.issue_signature, limit),
  };
}

export interface Outcome {
  timestamp: string;
  model: string;
  fixer_type: string;
  fix_commands: string[];
  analysis: string;
  verification_success: boolean | null;
  execution_time: number | null;
}

export interface FixContext {
  issue: ResolvedIssue;
  model_history: (ModelInsight & { recent: Outcome[] }) | null;
  pattern: IssuePattern | null;
  success_rates: { this_issue: number | null; this_model: number | null; issue_type_all_models: number | null };
  what_worked: Outcome[];
  what_failed: Outcome[];
  strategies: FixStrategy[];
  similar_counts: { exact_matches: number; model_matches: number; type_matches: number };
}

const ANALYSIS_MAX = 600;

function outcome(a: FixAttempt): Outcome {
  return {
    timestamp: a.timestamp,
    model: a.model,
    fixer_type: a.fixer_type,
    fix_commands: a.fix_commands,
    analysis: a.analysis.length > ANALYSIS_MAX ? a.analysis.slice(0, ANALYSIS_MAX - 1) + '…' : a.analysis,
    verification_success: a.verification_success,
    execution_time: a.execution_time,
  };
}

/** Keeps the first attempt of each distinct command list, so the context is not repetitive. */
function distinct(attempts: FixAttempt[], limit: number): Outcome[] {
  const seen = new Set<string>();
  const out: Outcome[] = [];
  for (const a of attempts) {
    const key = JSON.stringify(a.fix_commands) + (a.fix_commands.length ? '' : a.analysis);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(outcome(a));
    if (out.length >= limit) break;
  }
  return out;
}

export function buildContext(db: Db, issue: ResolvedIssue, limit: number): FixContext {
  const similar = findSimilar(db, issue, limit * 4);
  const all = [...similar.exact_matches, ...similar.model_matches, ...similar.type_matches];
  const insight = issue.model ? modelInsight(db, issue.model) : null;
  const pattern = issue.issue_signature ? getPattern(db, issue.issue_signature) : null;
  const type = successfulStrategies(db, { perType: limit, issueType: issue.issue_type })[0];
  return {
    issue,
    model_history: insight && { ...insight, recent: new FixStore(db).byModel(insight.model, limit).map(outcome) },
    pattern,
    success_rates: {
      this_issue: pattern?.success_rate ?? null,
      this_model: insight?.success_rate ?? null,
      issue_type_all_models: type?.success_rate ?? null,
    },
    what_worked: distinct(all.filter((a) => a.fix_success), limit),
    what_failed: distinct(all.filter((a) => !a.fix_success), limit),
    strategies: type?.strategies ?? [],
    similar_counts: {
      exact_matches: similar.exact_matches.length,
      model_matches: similar.model_matches.length,
      type_matches: similar.type_matches.length,
    },
  };
}
