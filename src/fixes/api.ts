// The fix-attempt capability of the core API: record attempts, consult what worked, and the
// insights derived from them. Plain functions over the world; no output, no flags.
import type { World } from '../core/world.js';
import { InputError, intIn, NotFoundError } from '../errors.js';
import { redactString } from '../redact/index.js';
import { parseJsonInput } from '../util/json.js';
import { words } from '../util/words.js';
import { buildContext, findSimilar, resolveIssue, type FixContext, type ResolvedIssue, type SimilarIssues } from './context.js';
import { attemptFromJson, issueFromJson, type FixAttemptInput, type IssueQuery } from './input.js';
import { normalizeIssueType } from './signature.js';
import { FixStore, type FixAttempt, type RecordResult } from './store/attempts.js';
import { getPattern, listPatterns, patternsMentioning, modelInsight, setModelNotes, successfulStrategies, type IssuePattern, type ModelInsight, type TypeStrategies } from './store/insights.js';
import { fixStats, type FixStats } from './store/stats.js';
import { fixLast, type FixLast, type FixLastQuery, type NextStep } from './last.js';
import { memoriesApi } from '../memory/api.js';

export type { FixLast, FixLastQuery, NextStep };
export type { FixAttempt, FixAttemptInput, FixContext, FixStats, IssuePattern, IssueQuery, ModelInsight, RecordResult, ResolvedIssue, SimilarIssues, TypeStrategies };

/** One JSON object or JSON Lines, recorded: valid lines together, invalid ones reported by line. */
export interface RecordJsonReport {
  /** The input held several attempts (JSON Lines or an array). */
  bulk: boolean;
  results: (RecordResult & { line: number })[];
  errors: { line: number; error: string }[];
  total: number;
}

export interface FixesApi {
  /** Validates one attempt (the object an AI fixer produces, nested or flat) and records it. */
  record(attempt: unknown): RecordResult;
  /** JSON text with one attempt, or JSON Lines: one invalid single object writes nothing. */
  recordJson(text: string): RecordJsonReport;
  /** The issue part of an attempt object, for `similar` and `context`. */
  issueFrom(value: unknown): IssueQuery;
  similar(issue: IssueQuery, opts?: { limit?: number }): { issue: ResolvedIssue } & SimilarIssues;
  context(issue: IssueQuery, opts?: { limit?: number }): FixContext;
  stats(): FixStats;
  model(name: string, opts?: { limit?: number }): ModelInsight & { recent: FixAttempt[] };
  setModelNotes(name: string, notes: string): void;
  recent(opts?: { days?: number; limit?: number }): { days: number; attempts: FixAttempt[] };
  successful(opts?: { limit?: number; issueType?: string }): TypeStrategies[];
  patterns(opts?: { limit?: number; minAttempts?: number; issueType?: string }): IssuePattern[];
  pattern(signature: string): IssuePattern;
  /** Issue patterns whose name mentions the words of a task (for task context). */
  related(task: string, limit: number): RelatedFix[];
  /**
   * The last failed command of a shell session and what worked after it before: what the user ran
   * next, and exited 0, after the same command (or one like it) failed; fix attempts and error
   * memories that mention it.
   */
  last(q?: FixLastQuery): Promise<FixLast>;
}

export interface RelatedFix {
  name: string;
  issue_signature: string;
  attempts: number;
  success_rate: number | null;
  best_fix: string[] | null;
}

export function fixesApi(world: World): FixesApi {
  const store = () => new FixStore(world.db());
  const reader = () => world.readDb();
  const limit = (v: number | undefined, dflt: number, max = 1000) => (v === undefined ? dflt : intIn(v, 'limit', 1, max));
  const type = (t: string | undefined) => (t === undefined ? undefined : normalizeIssueType(t));
  const related = (task: string, limit: number): RelatedFix[] => {
    const terms = [...new Set(words(task))].filter((w) => w.length > 2).slice(0, 8);
    return patternsMentioning(reader(), terms, limit).map((p) => ({ name: p.name, issue_signature: p.issue_signature, attempts: p.attempts, success_rate: p.success_rate, best_fix: p.best_fix }));
  };
  return {
    record: (attempt) => store().record([attemptFromJson(attempt)], world.now())[0]!,
    recordJson(text) {
      const { bulk, items } = parseJsonInput(text);
      const good: { line: number; input: FixAttemptInput }[] = [];
      const errors: { line: number; error: string }[] = [];
      for (const it of items) {
        try {
          if (it.error) throw new InputError(it.error, it.line);
          good.push({ line: it.line, input: attemptFromJson(it.value, bulk ? it.line : undefined) });
        } catch (err) {
          if (!(err instanceof InputError) || !bulk) throw err;
          errors.push({ line: it.line, error: err.message });
        }
      }
      const results = good.length ? store().record(good.map((g) => g.input), world.now()) : [];
      return { bulk, results: results.map((r, i) => ({ line: good[i]!.line, ...r })), errors, total: items.length };
    },
    issueFrom: issueFromJson,
    similar(issue, o = {}) {
      const resolved = resolveIssue(issue);
      return { issue: resolved, ...findSimilar(reader(), resolved, limit(o.limit, 10)) };
    },
    context: (issue, o = {}) => buildContext(reader(), resolveIssue(issue), limit(o.limit, 5)),
    stats: () => fixStats(reader(), world.paths.store, world.now()),
    model(name, o = {}) {
      const db = reader();
      const insight = modelInsight(db, name);
      if (!insight) throw new NotFoundError(`no fix attempts recorded for model '${name}' (see \`mem stats\` for the models mem knows)`);
      return { ...insight, recent: new FixStore(db).byModel(name, limit(o.limit, 10)) };
    },
    setModelNotes(name, notes) {
      if (!setModelNotes(world.db(), name, redactString(notes))) throw new NotFoundError(`no fix attempts recorded for model '${name}'`);
    },
    recent(o = {}) {
      const days = o.days === undefined ? 7 : intIn(o.days, 'days', 1, 36500);
      return { days, attempts: new FixStore(reader()).since(world.now() - days * 86_400_000, limit(o.limit, 50, 100_000)) };
    },
    successful: (o = {}) => successfulStrategies(reader(), { perType: limit(o.limit, 3, 100), issueType: type(o.issueType) }),
    patterns: (o = {}) =>
      listPatterns(reader(), {
        limit: limit(o.limit, 20, 100_000),
        minAttempts: o.minAttempts === undefined ? 1 : intIn(o.minAttempts, 'min_attempts', 1, Number.MAX_SAFE_INTEGER),
        issueType: type(o.issueType),
      }),
    related,
    last(q = {}) {
      let memories: ReturnType<typeof memoriesApi> | undefined;
      return fixLast(world, { memories: () => (memories ??= memoriesApi(world)), related }, q);
    },
    pattern(signature) {
      const p = getPattern(reader(), signature);
      if (!p) throw new NotFoundError(`no issue pattern with signature '${signature}'`);
      return p;
    },
  };
}
