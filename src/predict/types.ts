// Shared shapes of the prediction engine: the events it learns from, the statistics it reads and
// the predictions it returns. The statistics are an interface so the same ranking can run on the
// in-memory store (replays, tests) and on the persisted SQLite store (`mem predict`).

export interface CommandEvent {
  command: string;
  /** Epoch milliseconds, when known. */
  ts: number | null;
  cwd?: string | null;
  exit_code?: number | null;
  session?: string | null;
}

/**
 * Contexts a next command is counted under. Each kind is one lookup table keyed by `key`:
 * - `exact1`    key = previous command line               → next command lines
 * - `exact2`    key = the two previous lines, `a \x1f b`  → next command lines
 * - `template1` key = template of the previous line       → next templates
 * - `name1`     key = command name of the previous line   → next command names
 * - `name2`     key = names of the two previous lines, `a \x1f b` → next command names
 * - `args1`     key = command name of the previous line   → argument patterns (`cd $1`, see
 *                args.ts; item '' counts transitions that carry no argument over)
 * - `start`     key = ''                                  → first commands of sessions
 * - `cwd`       key = working directory                   → command lines run there
 * For exact kinds an entry is one command line; for the others it is one template, name or
 * pattern, and `command` is the most recent concrete line seen for it in that context (argument
 * filling: `git commit -m <QUOTED>` is offered as the last message typed after the same step).
 */
export type SuccessorKind = 'exact1' | 'exact2' | 'template1' | 'name1' | 'name2' | 'args1' | 'start' | 'cwd';

export const SUCCESSOR_KINDS: readonly SuccessorKind[] = ['exact1', 'exact2', 'template1', 'name1', 'name2', 'args1', 'start', 'cwd'];

/**
 * One entry after a context: the counts of that transition (in the CommandStats fields, with
 * `command` the concrete line to show: the item itself, or the latest line seen for it here).
 */
export interface Successor extends CommandStats {
  /** The grouping value: a command line (exact kinds), a template or a command name. */
  item: string;
  /**
   * Weight in the context's own clock: each occurrence weighs 2^-(later visits of the context /
   * context half-life), so it tracks "what followed this the last few times" however rare it is.
   */
  local: number;
}

/** Totals for one context: how many transitions left it (the denominator of P(next | key)). */
export interface ContextTotals {
  count: number;
  weighted: number;
  /** Σ of `local` weights over its successors. */
  local: number;
  /** Number of distinct successors (Witten-Bell's escape count). */
  distinct: number;
}

/** One distinct command line's totals. */
export interface CommandStats {
  command: string;
  template: string;
  /** Command name of `command` (see normalize.ts `commandName`). */
  name: string;
  count: number;
  /** Recency-weighted count: each occurrence weighs 2^-(age in commands / half-life). */
  weighted: number;
  /** Occurrences whose command exited 0 / non-zero (unknown exit codes count in neither). */
  successes: number;
  failures: number;
  /** Sequence number (0-based position in the history) of the latest occurrence. */
  last_seen: number;
  last_ts: number | null;
}

/**
 * What the ranking reads. Every method is a bounded lookup on an indexed key so it can be a
 * handful of SQL queries on a 100k-command store; none scans the history. A SQL layout that
 * answers each method from one index (H = halfLife, Hc = CONTEXT_HALF_LIFE, r = 2^(-1/Hc)):
 *
 *   predict_command(command PK, template, name, count, wkey, successes, failures, last_seen, last_ts)
 *     INDEX (count DESC, last_seen DESC)  → frequent     INDEX (wkey DESC) → trending
 *     INDEX (last_seen DESC)              → recent       PK                → commands (IN (...))
 *   predict_context(kind, key, count, wkey, distinct, PK (kind, key))          → context
 *   predict_transition(kind, key, item, command, count, wkey, ckey, successes, failures,
 *     last_seen, last_ts, PK (kind, key, item), INDEX (kind, key, count DESC, last_seen DESC))
 *                                                                              → successors
 *
 * `wkey`/`ckey` are log-domain decay keys (decay.ts): weighted = 2^(wkey − seq/H) and
 * local = 2^(ckey − (context.count − 1)/Hc); context.local = (1 − r^count)/(1 − r). Learning one
 * command is one command upsert plus, per kind, one context upsert and one transition upsert
 * (`distinct` + 1 when the transition row is new); see MemoryStats.learn for the exact keys.
 */
export interface PredictStats {
  /** Number of commands learned so far; the sequence number the next one will get. */
  readonly seq: number;
  /** Half-life, in commands, of the `weighted` counts. */
  readonly halfLife: number;
  /** Top `limit` entries after `key`, by count desc, then most recent first. */
  successors(kind: SuccessorKind, key: string, limit: number): Successor[];
  /** Totals of the context `key` (zero when never seen). */
  context(kind: SuccessorKind, key: string): ContextTotals;
  /** Most frequent command lines, by count desc, then most recent first (limit ≤ 256). */
  frequent(limit: number): CommandStats[];
  /** Command lines by recency-weighted count desc, "what I am doing these days" (limit ≤ 256). */
  trending(limit: number): CommandStats[];
  /** Distinct command lines, most recently run first (limit ≤ 256). */
  recent(limit: number): CommandStats[];
  /** Point lookups of command lines; absent lines are missing from the map. */
  commands(lines: readonly string[]): Map<string, CommandStats>;
}

export interface Prediction {
  next_command: string;
  template: string;
  /** Probability the model gives this line among its candidates, 0..1. */
  confidence: number;
  /** Human-readable evidence, e.g. "followed `git add .` 42 times, 95% succeeded". */
  reason: string;
  /** Alternatives: other likely lines of the same template (of the same name when ranking names). */
  auto_suggestions: string[];
}

export interface PredictContext {
  /** The last commands, oldest first (a few are enough: the ranking looks back ~10). */
  recent: CommandEvent[];
  cwd?: string | null;
  /** Epoch milliseconds of the moment of prediction. */
  now: number;
  k: number;
  /** `name` ranks command names (probabilities summed over lines sharing a name). */
  granularity?: 'full' | 'name';
}
