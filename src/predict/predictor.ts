// The next-command predictor: candidates from the stats, scored by the log-linear model, grouped
// by command name on request. `observe` is the test-then-train step: it first moves the weights
// towards the revealed command (when it follows a `predict` on the same state), then counts it.
import { candidates, type Candidate } from './features.js';
import { commandName } from './normalize.js';
import { OnlineModel, probabilities, type ModelState } from './rank.js';
import { reason } from './reason.js';
import type { CommandEvent, Prediction, PredictContext, PredictStats } from './types.js';
import { DEFAULT_WEIGHTS, type Weights } from './weights.js';

/** Stats the predictor can also teach: the in-memory store, or the persisted one. */
export interface LearningStats extends PredictStats {
  learn(event: CommandEvent): void;
}

export interface PredictorWeights {
  full: Weights;
  name: Weights;
}

/** What to persist to carry learning across processes (e.g. next to the SQLite store). */
export interface PredictorState {
  full: ModelState;
  name: ModelState;
}

const MAX_SUGGESTIONS = 4;

interface Pending {
  seq: number;
  granularity: 'full' | 'name';
  cands: Candidate[];
  p: Float64Array;
}

export class Predictor {
  /** One model per granularity: ranking lines and ranking command names reward different things. */
  private readonly models: Record<'full' | 'name', OnlineModel>;
  private pending: Pending | undefined;

  /** `weights`: one set for both granularities, or one per granularity; defaults otherwise. */
  constructor(
    readonly stats: LearningStats,
    weights?: Partial<PredictorWeights> | Partial<Weights>,
  ) {
    const per = weights !== undefined && ('full' in weights || 'name' in weights);
    const w = (per ? weights : { full: weights, name: weights }) as { full?: Partial<Weights>; name?: Partial<Weights> };
    this.models = { full: new OnlineModel(w.full ?? DEFAULT_WEIGHTS), name: new OnlineModel(w.name ?? DEFAULT_WEIGHTS) };
  }

  /** The current (possibly adapted) weights, as data. */
  get weights(): PredictorWeights {
    return { full: this.models.full.weights, name: this.models.name.weights };
  }

  get state(): PredictorState {
    return { full: this.models.full.state, name: this.models.name.state };
  }

  restore(state: PredictorState): void {
    this.models.full.restore(state.full);
    this.models.name.restore(state.name);
  }

  predict(context: PredictContext): Prediction[] {
    const granularity = context.granularity ?? 'full';
    const model = this.models[granularity];
    const cands = candidates(this.stats, context);
    const p = probabilities(cands, model.w);
    this.pending = { seq: this.stats.seq, granularity, cands, p };
    const order = [...cands.keys()].sort((a, b) => p[b]! - p[a]! || cands[b]!.features[0]! - cands[a]!.features[0]!);
    const k = Math.max(0, context.k);

    if (granularity === 'name') {
      // A name's probability is the sum over its lines; its best line represents it.
      const groups = new Map<string, { best: number; total: number; lines: string[] }>();
      for (const i of order) {
        const g = groups.get(cands[i]!.name);
        if (g) {
          g.total += p[i]!;
          g.lines.push(cands[i]!.command);
        } else groups.set(cands[i]!.name, { best: i, total: p[i]!, lines: [cands[i]!.command] });
      }
      return [...groups.values()]
        .sort((a, b) => b.total - a.total)
        .slice(0, k)
        .map((g) => this.prediction(cands[g.best]!, g.total, g.lines.slice(1, 1 + MAX_SUGGESTIONS), model.w));
    }

    const top = order.slice(0, k);
    return top.map((i) => {
      const c = cands[i]!;
      // Alternatives: other candidate lines with the same template, most likely first.
      const alts: string[] = [];
      for (const j of order) {
        if (alts.length >= MAX_SUGGESTIONS) break;
        if (j !== i && cands[j]!.template === c.template) alts.push(cands[j]!.command);
      }
      return this.prediction(c, p[i]!, alts, model.w);
    });
  }

  private prediction(c: Candidate, confidence: number, alts: string[], w: Float64Array): Prediction {
    return { next_command: c.command, template: c.template, confidence, reason: reason(c, w), auto_suggestions: alts };
  }

  /**
   * Learns one command. Weights move only when this follows a `predict` made on the same state
   * (the test-then-train step); counting into the stats always happens.
   */
  observe(event: CommandEvent): void {
    const pending = this.pending;
    this.pending = undefined;
    const line = event.command.trim();
    if (pending && pending.seq === this.stats.seq && line) {
      const name = commandName(line);
      const positive = pending.cands.map((c) => (pending.granularity === 'name' ? c.name === name : c.command === line));
      this.models[pending.granularity].update(pending.cands, pending.p, positive);
    }
    this.stats.learn(event);
  }
}
