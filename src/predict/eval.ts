// Online replay ("test-then-train"): walk each history in order; at every position after the
// first, ask for the top k, then reveal the true command and learn it. The predictor runs through
// exactly the code path of live prediction (Predictor on in-memory stats); the two baselines
// are scored on the same positions in the same pass.
import { Baselines } from './baselines.js';
import { BACK_WINDOW } from './features.js';
import { MemoryStats } from './memory-stats.js';
import { commandName } from './normalize.js';
import { Predictor, type PredictorWeights } from './predictor.js';
import type { CommandEvent } from './types.js';
import type { Weights } from './weights.js';

export type Granularity = 'full' | 'name';

export interface Rates {
  top1: number;
  topk: number;
}

/**
 * How often the first prediction is a line never run before in that history (so far), and how
 * often such a guess is right (at the granularity scored; null when there was none). Only
 * argument carry-over can propose such a line, so these two measure it.
 */
export interface Novelty {
  novel_top1_share: number;
  novel_top1_precision: number | null;
}

export interface FileResult extends Rates, Novelty {
  file: string;
  /** Commands in the file (blank lines dropped). */
  n: number;
  /** Positions scored: every one after the first. */
  scored: number;
  baselines: { mfu: Rates; markov1_mfu: Rates };
}

export interface EvalResult {
  granularity: Granularity;
  k: number;
  files: FileResult[];
  macro: Rates & Novelty & { baselines: { mfu: Rates; markov1_mfu: Rates } };
}

export interface EvalOptions {
  k: number;
  granularity: Granularity;
  /** Starting weights (defaults otherwise); each file starts from them afresh. */
  weights?: Partial<PredictorWeights> | Partial<Weights>;
}

export type Progress = (file: string, done: number, total: number) => void;

/**
 * What a granularity compares: the whole (trimmed) line, or its command name. The name is mem's
 * `commandName` (`sudo apt` → `apt`), the same key the predictor groups by; on the shared
 * histories it moves the name-level baselines by at most 0.2 points from the raw-first-word
 * reference figures.
 */
export function keyOf(granularity: Granularity): (line: string) => string {
  return granularity === 'full' ? (line) => line.trim() : commandName;
}

function tally(list: readonly string[], truth: string, hits: { top1: number; topk: number }): void {
  if (list[0] === truth) hits.top1++;
  if (list.includes(truth)) hits.topk++;
}

export function evaluateFile(name: string, events: readonly CommandEvent[], opts: EvalOptions, onProgress?: Progress): FileResult {
  const key = keyOf(opts.granularity);
  const evs = events.filter((e) => e.command.trim() !== '');
  const predictor = new Predictor(new MemoryStats(), opts.weights);
  const base = new Baselines(opts.k);
  const ours = { top1: 0, topk: 0 };
  const mfu = { top1: 0, topk: 0 };
  const markov = { top1: 0, topk: 0 };
  const novel = { top1: 0, hits: 0 };
  const seen = new Set<string>();
  let scored = 0;
  for (let i = 0; i < evs.length; i++) {
    const ev = evs[i]!;
    const truth = key(ev.command);
    if (i > 0) {
      scored++;
      // The moment of prediction is when the next command is typed, so the gap since the
      // previous command is known (it tells a session start); nothing else about it is.
      const preds = predictor.predict({
        recent: evs.slice(Math.max(0, i - BACK_WINDOW), i),
        cwd: ev.cwd ?? null,
        now: ev.ts ?? evs[i - 1]!.ts ?? 0,
        k: opts.k,
        granularity: opts.granularity,
      });
      tally(preds.map((p) => key(p.next_command)), truth, ours);
      if (preds[0] && !seen.has(preds[0].next_command.trim())) {
        novel.top1++;
        if (key(preds[0].next_command) === truth) novel.hits++;
      }
      tally(base.mfu(), truth, mfu);
      tally(base.markov1(), truth, markov);
      if (onProgress && scored % 1000 === 0) onProgress(name, i, evs.length);
    }
    predictor.observe(ev);
    base.learn(truth);
    seen.add(ev.command.trim());
  }
  const rate = (h: { top1: number; topk: number }): Rates => ({ top1: scored ? h.top1 / scored : 0, topk: scored ? h.topk / scored : 0 });
  return {
    file: name,
    n: evs.length,
    scored,
    ...rate(ours),
    novel_top1_share: scored ? novel.top1 / scored : 0,
    novel_top1_precision: novel.top1 ? novel.hits / novel.top1 : null,
    baselines: { mfu: rate(mfu), markov1_mfu: rate(markov) },
  };
}

export function evaluate(files: { name: string; events: CommandEvent[] }[], opts: EvalOptions, onProgress?: Progress): EvalResult {
  const results = files.map((f) => evaluateFile(f.name, f.events, opts, onProgress));
  const mean = (pick: (r: FileResult) => Rates): Rates => ({
    top1: results.reduce((s, r) => s + pick(r).top1, 0) / Math.max(1, results.length),
    topk: results.reduce((s, r) => s + pick(r).topk, 0) / Math.max(1, results.length),
  });
  // Precision averages over the files that made such a guess at all.
  const precisions = results.map((r) => r.novel_top1_precision).filter((x): x is number => x !== null);
  return {
    granularity: opts.granularity,
    k: opts.k,
    files: results,
    macro: {
      ...mean((r) => r),
      novel_top1_share: results.reduce((s, r) => s + r.novel_top1_share, 0) / Math.max(1, results.length),
      novel_top1_precision: precisions.length ? precisions.reduce((s, x) => s + x, 0) / precisions.length : null,
      baselines: { mfu: mean((r) => r.baselines.mfu), markov1_mfu: mean((r) => r.baselines.markov1_mfu) },
    },
  };
}
