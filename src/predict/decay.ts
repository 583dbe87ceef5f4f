// Recency-weighted counts that never need rewriting. An occurrence at sequence number s weighs
// 2^-((now - s) / H) at time `now`. Storing the time-free sum as a base-2 logarithm,
//   key = log2( Σ 2^(s_i / H) ),
// the weighted count at `now` is 2^(key - now / H). Adding an occurrence only touches its own
// row, and ordering rows by `key` orders them by weighted count at any `now`: a SQL store can
// index the column and answer "top by weighted count" without a scan or periodic decay pass.

/** Log-domain key of an empty sum. */
export const EMPTY_DECAY_KEY = Number.NEGATIVE_INFINITY;

/** The key after adding one occurrence at sequence number `seq`. */
export function addOccurrence(key: number, seq: number, halfLife: number): number {
  const x = seq / halfLife;
  if (key === EMPTY_DECAY_KEY) return x;
  const hi = Math.max(key, x);
  const lo = Math.min(key, x);
  return hi + Math.log2(1 + 2 ** (lo - hi));
}

/** The weighted count represented by `key` as seen at sequence number `now`. */
export function weightedAt(key: number, now: number, halfLife: number): number {
  return key === EMPTY_DECAY_KEY ? 0 : 2 ** (key - now / halfLife);
}

// The half-lives live here, not with a store, so that reading the persisted stats does not load
// the in-memory store (and graphology with it).
/** Weighted counts halve every this many commands: a few sessions of typical use. */
export const DEFAULT_HALF_LIFE = 100;
/** Per-context recency: a transition's weight halves every this many later visits of its context. */
export const CONTEXT_HALF_LIFE = 4;
