// Ranking the picker's candidates: features -> score, with the weights as data. How well the query
// matches comes first (a line that contains what was typed beats one that only has its letters
// in order); among matches, recency, frequency and context decide: commands run in this directory,
// and what usually follows the previous command (the predictor's answer for this session).
import { matchScore, type Term } from './match.js';
import type { CandidateRow } from './store.js';

export interface Candidate extends CandidateRow {
  /** The command in lower case, made once per candidate (when first needed, or by warm()). */
  lower?: string;
}

export interface RankContext {
  now: number;
  /** How often each command ran in the current directory. */
  here: ReadonlyMap<string, number>;
  /** What the predictor expects next, 0..1 (its confidence, relative to its best). */
  follows: ReadonlyMap<string, number>;
  /** The largest count among the candidates (frequency is relative to it). */
  maxCount: number;
}

export const WEIGHTS = { match: 1, recency: 0.3, frequency: 0.2, here: 0.15, follows: 0.35 } as const;

export interface Ranked {
  c: Candidate;
  score: number;
}

export const toCandidate = (r: CandidateRow): Candidate => r;

/** Lower-cases the pool ahead of the first keystroke (the first paint needs none of it). */
export function warm(pool: readonly Candidate[]): void {
  for (const c of pool) c.lower ??= c.command.toLowerCase();
}

/** 1 for a command run now, 0.5 an hour ago, ~0.18 a day ago, ~0.1 a month ago. */
export function recency(ageMs: number): number {
  const hours = Math.max(0, ageMs) / 3_600_000;
  return 1 / (1 + Math.log2(1 + hours));
}

/** The score of one candidate for a match of quality `match` (0..1). */
export function score(c: Candidate, match: number, ctx: RankContext): number {
  const freq = ctx.maxCount > 1 ? Math.log1p(c.count) / Math.log1p(ctx.maxCount) : 0;
  const here = ctx.here.get(c.command);
  return (
    WEIGHTS.match * match +
    WEIGHTS.recency * recency(ctx.now - c.last_ts) +
    WEIGHTS.frequency * freq +
    (here ? WEIGHTS.here * Math.min(1, Math.log1p(here) / Math.log1p(5)) : 0) +
    WEIGHTS.follows * (ctx.follows.get(c.command) ?? 0)
  );
}

/**
 * The best `limit` matches of `terms` among `pool`, best first, and every match (the pool for
 * the next keystroke when the query only grows). One pass; the best few are kept in a small
 * sorted array instead of sorting every match.
 */
export function rank(pool: readonly Candidate[], terms: readonly Term[], ctx: RankContext, limit: number): { top: Ranked[]; matched: Candidate[] } {
  const matched: Candidate[] = [];
  const top: Ranked[] = [];
  for (const c of pool) {
    const m = terms.length ? matchScore(terms, c.command, (c.lower ??= c.command.toLowerCase())) : 1;
    if (m === 0) continue;
    matched.push(c);
    const s = score(c, m, ctx);
    if (top.length >= limit && s <= top[top.length - 1]!.score) continue;
    let i = top.length;
    while (i > 0 && top[i - 1]!.score < s) i--;
    top.splice(i, 0, { c, score: s });
    if (top.length > limit) top.pop();
  }
  return { top, matched };
}
