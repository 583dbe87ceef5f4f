// Candidate generation and feature vectors. Candidates come from every source that can propose
// a next line (transitions from the previous line, the previous two, its template and its name;
// argument patterns; session starts; the directory; popular, trending and recent lines); each is
// then described by the same feature vector whatever proposed it, so one scoring function ranks
// them all. Cost per prediction: a fixed number of bounded stats lookups plus
// O(candidates × features), independent of the history's length.
import { fillArgs } from './args.js';
import { pairKey, startsSession } from './keys.js';
import { commandName, normalize } from './normalize.js';
import type { CommandStats, ContextTotals, PredictContext, PredictStats, Successor, SuccessorKind } from './types.js';
import { FEATURES, type FeatureName } from './weights.js';

/** How many entries each source contributes: bounded so a prediction costs the same at 100k. */
export const SOURCE_LIMITS = { exact1: 15, exact2: 10, template1: 20, name1: 10, name2: 10, args1: 10, start: 10, cwd: 20, frequent: 10, trending: 10, recent: 10 };
/** How far back the `back_*` features look (the context should carry at least this many). */
export const BACK_WINDOW = 8;

const INDEX = Object.fromEntries(FEATURES.map((f, i) => [f, i])) as Record<FeatureName, number>;

/** The evidence behind a candidate, kept for its human-readable reason. */
export interface Evidence {
  prev1?: string;
  prev2?: string;
  e1?: Successor;
  e2?: Successor;
  t1?: Successor;
  n1?: Successor;
  start?: Successor;
  cwd?: Successor;
  args?: Successor;
  ctx1?: ContextTotals;
  stats?: CommandStats;
  back?: number;
}

export interface Candidate {
  command: string;
  template: string;
  name: string;
  features: Float64Array;
  evidence: Evidence;
}

/** One context's successors, indexed by item, with the context's totals. */
interface Source {
  ctx: ContextTotals;
  items: Map<string, Successor>;
}

const EMPTY: Source = { ctx: { count: 0, weighted: 0, local: 0, distinct: 0 }, items: new Map() };

function source(stats: PredictStats, kind: SuccessorKind, key: string | undefined, limit: number): Source {
  if (key === undefined) return EMPTY;
  const ctx = stats.context(kind, key);
  if (ctx.count === 0) return EMPTY;
  return { ctx, items: new Map(stats.successors(kind, key, limit).map((s) => [s.item, s])) };
}

/** Smoothed conditional probability: count / (context total + 1), so one sighting is not certainty. */
function cond(s: Successor | undefined, src: Source): number {
  return s ? s.count / (src.ctx.count + 1) : 0;
}

/** The same in the context's own clock: what followed it the last few times. */
function local(s: Successor | undefined, src: Source): number {
  return s ? s.local / (src.ctx.local + 1) : 0;
}

/** Witten-Bell: P(c|h) = (n(h,c) + T(h)·P(c|shorter h)) / (N(h) + T(h)), T(h) = distinct successors. */
function wittenBell(s: Successor | undefined, src: Source, backoff: number): number {
  const { count, distinct } = src.ctx;
  return count > 0 ? ((s?.count ?? 0) + distinct * backoff) / (count + distinct) : backoff;
}

/** Sum of all recency weights after `seq` commands: Σ_{j=1..seq} 2^(-j/H). */
function totalWeight(seq: number, halfLife: number): number {
  const r = 2 ** (-1 / halfLife);
  return (r * (1 - r ** seq)) / (1 - r);
}

function logOdds(successes: number, failures: number): number {
  return Math.log((successes + 1) / (failures + 1));
}

/** Stats of a line proposed by an argument pattern but never run: all zeros. */
function unseen(line: string): CommandStats {
  return { command: line, template: normalize(line), name: commandName(line), count: 0, weighted: 0, successes: 0, failures: 0, last_seen: -1, last_ts: null };
}

const BACK_FEATURE: (FeatureName | undefined)[] = [undefined, 'back_1', 'back_2', 'back_3', 'back_4', 'back_5_8', 'back_5_8', 'back_5_8', 'back_5_8'];

export function candidates(stats: PredictStats, ctx: PredictContext): Candidate[] {
  const window = ctx.recent.slice(-BACK_WINDOW);
  const recent = window.map((e) => e.command.trim()).filter(Boolean);
  const p1 = recent[recent.length - 1];
  const p2 = recent[recent.length - 2];
  const isStart = startsSession(window[window.length - 1], { command: '', ts: ctx.now });
  const name1 = p1 === undefined ? undefined : commandName(p1);
  const name2 = p2 === undefined ? undefined : commandName(p2);

  const e1 = source(stats, 'exact1', p1, SOURCE_LIMITS.exact1);
  const e2 = source(stats, 'exact2', p2 !== undefined && p1 !== undefined ? pairKey(p2, p1) : undefined, SOURCE_LIMITS.exact2);
  const t1 = source(stats, 'template1', p1 === undefined ? undefined : normalize(p1), SOURCE_LIMITS.template1);
  const n1 = source(stats, 'name1', name1, SOURCE_LIMITS.name1);
  const n2 = source(stats, 'name2', name2 !== undefined && name1 !== undefined ? pairKey(name2, name1) : undefined, SOURCE_LIMITS.name2);
  const a1 = source(stats, 'args1', name1, SOURCE_LIMITS.args1);
  const st = isStart ? source(stats, 'start', '', SOURCE_LIMITS.start) : EMPTY;
  const cw = source(stats, 'cwd', ctx.cwd ?? undefined, SOURCE_LIMITS.cwd);

  // Argument patterns instantiated with the previous line's words: may propose unseen lines.
  const args = new Map<string, Successor>();
  for (const s of a1.items.values()) {
    const line = s.item && p1 !== undefined ? fillArgs(s.item, p1) : null;
    if (line && line !== p1 && !args.has(line)) args.set(line, s);
  }

  // The union of what every source proposes.
  const lines = new Set<string>();
  for (const src of [e1, e2, t1, n1, n2, st, cw]) for (const s of src.items.values()) lines.add(s.command);
  for (const r of stats.frequent(SOURCE_LIMITS.frequent)) lines.add(r.command);
  for (const r of stats.trending(SOURCE_LIMITS.trending)) lines.add(r.command);
  for (const r of stats.recent(SOURCE_LIMITS.recent)) lines.add(r.command);
  for (const line of recent) lines.add(line);
  for (const line of args.keys()) lines.add(line);
  const rows = stats.commands([...lines]);
  const trendTotal = totalWeight(stats.seq, stats.halfLife);

  const out: Candidate[] = [];
  for (const line of lines) {
    const sa = args.get(line);
    const row = rows.get(line) ?? (sa ? unseen(line) : undefined);
    if (!row) continue;
    const se1 = e1.items.get(line);
    // A command is not predicted to follow itself unless the user has repeated it.
    // (Its successors are the exact1 source: a self-transition outside its top 15 is too rare to matter.)
    if (line === p1 && !se1) continue;
    const se2 = e2.items.get(line);
    const st1 = t1.items.get(row.template);
    const sn1 = n1.items.get(row.name);
    const sn2 = n2.items.get(row.name);
    const sst = st.items.get(line);
    const scw = cw.items.get(line);
    const back = recent.lastIndexOf(line) < 0 ? 0 : recent.length - recent.lastIndexOf(line);

    const f = new Float64Array(FEATURES.length);
    const pu = (row.count + 0.5) / (stats.seq + 1);
    f[INDEX.wb] = Math.log(wittenBell(se2, e2, wittenBell(se1, e1, pu)));
    f[INDEX.e1_p] = cond(se1, e1);
    f[INDEX.e1_log] = se1 ? Math.log1p(se1.count) : 0;
    f[INDEX.e2_p] = cond(se2, e2);
    f[INDEX.e2_log] = se2 ? Math.log1p(se2.count) : 0;
    f[INDEX.t1_p] = cond(st1, t1);
    f[INDEX.t1_loc] = local(st1, t1);
    f[INDEX.t1_fill] = st1 && st1.command === line ? 1 : 0;
    f[INDEX.n1_p] = cond(sn1, n1);
    f[INDEX.n1_loc] = local(sn1, n1);
    f[INDEX.n2_p] = cond(sn2, n2);
    f[INDEX.n2_loc] = local(sn2, n2);
    f[INDEX.arg_p] = sa ? sa.count / (a1.ctx.count + 1) : 0;
    f[INDEX.unseen] = row.count === 0 ? 1 : 0;
    f[INDEX.freq_log] = Math.log1p(row.count);
    f[INDEX.trend_p] = trendTotal > 0 ? row.weighted / trendTotal : 0;
    const bf = BACK_FEATURE[back];
    if (bf) f[INDEX[bf]] = 1;
    f[INDEX.age_log] = row.count > 0 ? Math.log2(1 + Math.max(0, stats.seq - row.last_seen)) / 8 : 0;
    f[INDEX.success] = se1 && se1.successes + se1.failures > 0 ? logOdds(se1.successes, se1.failures) : logOdds(row.successes, row.failures);
    f[INDEX.start_p] = cond(sst, st);
    f[INDEX.gap_e1_p] = isStart ? f[INDEX.e1_p]! : 0;
    f[INDEX.cwd_p] = cond(scw, cw);
    out.push({
      command: line,
      template: row.template,
      name: row.name,
      features: f,
      evidence: { prev1: p1, prev2: p2, e1: se1, e2: se2, t1: st1, n1: sn1, start: sst, cwd: scw, args: sa, ctx1: e1.ctx, stats: row, back },
    });
  }
  return out;
}
