// One name for outcomes across mem: what a command, fix, task or episode came to. Filters and
// records take `outcome: 'success' | 'failure'`; the older booleans (success_only, failed) are
// read as one of them.
import { InputError } from '../errors.js';

export const OUTCOMES = ['success', 'failure'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export function checkOutcome(v: unknown, field = 'outcome'): Outcome {
  if (typeof v === 'string' && (OUTCOMES as readonly string[]).includes(v)) return v as Outcome;
  throw new InputError(`must be success or failure, got '${String(v)}'`, undefined, field);
}

/** The outcome a filter asks for: `outcome` itself, else the legacy boolean that implies one. */
export function outcomeFilter(o: { outcome?: unknown }, legacy?: Outcome): Outcome | undefined {
  if (o.outcome !== undefined) {
    const out = checkOutcome(o.outcome);
    if (legacy && legacy !== out) throw new InputError(`asks for ${out} and for ${legacy} at once`, undefined, 'outcome');
    return out;
  }
  return legacy;
}
