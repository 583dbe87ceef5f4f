// The features the ranking reads and their default weights, as data. A candidate's score is the
// dot product of its feature vector with these weights; probabilities are the softmax of scores
// over the candidates (a conditional log-linear model). Defaults are round, hand-set priors: the
// predictor then adapts them to each user online (see rank.ts), so nothing here is fitted to a
// benchmark.

export const FEATURES = [
  // log P(c | two previous lines), Witten-Bell interpolated down to the frequency of c.
  'wb',
  // P(c | previous line) and log of the count behind it.
  'e1_p',
  'e1_log',
  // P(c | the two previous lines) and log of the count behind it.
  'e2_p',
  'e2_log',
  // P(template of c | template of previous line), also in the context's own clock (the last few
  // times), and whether c is the line last typed for that template in that context.
  't1_p',
  't1_loc',
  't1_fill',
  // P(name of c | name of previous line), P(name of c | names of the two previous lines).
  'n1_p',
  'n1_loc',
  'n2_p',
  'n2_loc',
  // P(argument pattern of c | name of previous line), e.g. `mkdir x` → `cd x`; c never ran before.
  'arg_p',
  'unseen',
  // Popularity of c: log count, and share of the recency-weighted counts ("these days").
  'freq_log',
  'trend_p',
  // c is the line run d positions back (the nearest occurrence), and log2 of its age in commands.
  'back_1',
  'back_2',
  'back_3',
  'back_4',
  'back_5_8',
  'age_log',
  // Evidence that c succeeds (log odds of exits 0 vs non-zero; 0 when exit codes are unknown).
  'success',
  // Session start: what the user usually starts with, and transition evidence across the gap.
  'start_p',
  'gap_e1_p',
  // P(c | working directory), when the cwd is known.
  'cwd_p',
] as const;

export type FeatureName = (typeof FEATURES)[number];
export type Weights = Record<FeatureName, number>;

/**
 * Priors: transition probabilities count most, the more specific context more; popularity and
 * "ran it a moment ago" add; an immediate repeat is neutral (shells often drop duplicates);
 * older lines fade; failures count against.
 */
export const DEFAULT_WEIGHTS: Weights = {
  wb: 0.5,
  e1_p: 2,
  e1_log: 0.2,
  e2_p: 2,
  e2_log: 0.2,
  t1_p: 1,
  t1_loc: 0.5,
  t1_fill: 0.5,
  n1_p: 1,
  n1_loc: 0.5,
  n2_p: 1,
  n2_loc: 0.5,
  arg_p: 2,
  unseen: 0,
  freq_log: 0.2,
  trend_p: 3,
  back_1: 0,
  back_2: 0.5,
  back_3: 0.3,
  back_4: 0.2,
  back_5_8: 0.1,
  age_log: -0.5,
  success: 0.5,
  start_p: 1,
  gap_e1_p: -1,
  cwd_p: 1.5,
};

export function weightsToArray(w: Partial<Weights>): Float64Array {
  return Float64Array.from(FEATURES, (f) => w[f] ?? 0);
}

export function arrayToWeights(a: ArrayLike<number>): Weights {
  const w = {} as Weights;
  FEATURES.forEach((f, i) => (w[f] = a[i] ?? 0));
  return w;
}
