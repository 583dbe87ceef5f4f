// Scoring and the online weight update. The model is conditional log-linear over the candidate
// set: P(c) = exp(w·f(c)) / Σ exp(w·f(c')). After each revealed command the weights take one
// AdaGrad step on its log-likelihood, gradient f(true) − E_P[f] (when the true line was among
// the candidates; otherwise there is nothing to rank). The update is the same for every user,
// starting from the default priors, so it learns *this* user's habits (repeats, loops, how much
// the previous command matters) rather than constants fitted to a benchmark.
import type { Candidate } from './features.js';
import { DEFAULT_WEIGHTS, FEATURES, arrayToWeights, weightsToArray, type Weights } from './weights.js';

/** AdaGrad base step: the first update moves each active weight by at most this much. */
export const LEARNING_RATE = 0.3;

export function score(features: ArrayLike<number>, weights: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < features.length; i++) s += (features[i] ?? 0) * (weights[i] ?? 0);
  return s;
}

/** Softmax of the candidates' scores (numerically stable). */
export function probabilities(cands: readonly Candidate[], weights: ArrayLike<number>): Float64Array {
  const p = new Float64Array(cands.length);
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < cands.length; i++) {
    p[i] = score(cands[i]!.features, weights);
    if (p[i]! > max) max = p[i]!;
  }
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    p[i] = Math.exp(p[i]! - max);
    sum += p[i]!;
  }
  for (let i = 0; i < p.length; i++) p[i] = p[i]! / sum;
  return p;
}

/** Everything the model learned, as data: its weights and AdaGrad's squared-gradient sums. */
export interface ModelState {
  weights: Weights;
  g2: Weights;
}

export class OnlineModel {
  readonly w: Float64Array;
  private readonly g2: Float64Array;

  /** Missing weights (e.g. saved before a feature existed) take their defaults. */
  constructor(
    weights: Partial<Weights> = DEFAULT_WEIGHTS,
    private readonly rate = LEARNING_RATE,
  ) {
    this.w = weightsToArray({ ...DEFAULT_WEIGHTS, ...weights });
    this.g2 = new Float64Array(FEATURES.length);
  }

  get weights(): Weights {
    return arrayToWeights(this.w);
  }

  get state(): ModelState {
    return { weights: arrayToWeights(this.w), g2: arrayToWeights(this.g2) };
  }

  restore(state: ModelState): void {
    this.w.set(weightsToArray({ ...DEFAULT_WEIGHTS, ...state.weights }));
    this.g2.set(weightsToArray(state.g2));
  }

  /**
   * One step towards the revealed outcome. `positive[i]` marks candidates that count as correct
   * (one line, or every line of the right command name); the target distribution spreads over
   * them in proportion to the model's own probabilities.
   */
  update(cands: readonly Candidate[], p: ArrayLike<number>, positive: readonly boolean[]): void {
    let pPos = 0;
    for (let i = 0; i < cands.length; i++) if (positive[i]) pPos += p[i]!;
    if (pPos <= 0) return;
    const grad = new Float64Array(this.w.length);
    for (let i = 0; i < cands.length; i++) {
      const target = positive[i] ? p[i]! / pPos : 0;
      const coef = target - p[i]!;
      if (coef === 0) continue;
      const f = cands[i]!.features;
      for (let j = 0; j < f.length; j++) grad[j] = grad[j]! + coef * f[j]!;
    }
    for (let j = 0; j < grad.length; j++) {
      const g = grad[j]!;
      if (g === 0) continue;
      const g2 = this.g2[j]! + g * g;
      this.g2[j] = g2;
      this.w[j] = this.w[j]! + (this.rate * g) / Math.sqrt(g2);
    }
  }
}
