// What failed episodes have in common. Every ended episode is reduced to three facts: the event
// types it contains, the errors it met, and its last step. Counting episodes (not events) per
// fact, separately for failed and successful ones, shows what is frequent in failures and whether
// it is just as frequent in successes (then it explains nothing).
import type { Db } from '../db/open.js';
import { normalizeError } from '../memory/text.js';
import { EpisodeStore } from './store.js';
import { eventError, type Json } from './text.js';

export interface FactStat {
  /** Failed episodes with it, and their share of all failed episodes. */
  failed_episodes: number;
  failed_share: number;
  /** The same among successful episodes, for comparison. */
  succeeded_episodes: number;
  succeeded_share: number;
}

export interface TypeStat extends FactStat {
  type: string;
  /** Events of this type in failed episodes (an episode may repeat it). */
  occurrences: number;
}

export interface ErrorStat extends FactStat {
  type: string;
  /** The error message normalised (paths, numbers, addresses dropped) so recurrences group together. */
  error: string;
  occurrences: number;
}

export interface StepStat extends FactStat {
  /** The event type right before the end; `(no events)` for an episode without any. */
  type: string;
}

export interface FailureAnalysis {
  scope: string | null;
  failed: number;
  succeeded: number;
  event_types: TypeStat[];
  errors: ErrorStat[];
  final_steps: StepStat[];
}

interface Tally {
  failed: Set<string>;
  succeeded: Set<string>;
  occurrences: number;
}

class Counter {
  readonly m = new Map<string, Tally>();
  add(key: string, episode: string, failed: boolean, occurrence = true): void {
    const t = this.m.get(key) ?? { failed: new Set(), succeeded: new Set(), occurrences: 0 };
    (failed ? t.failed : t.succeeded).add(episode);
    if (failed && occurrence) t.occurrences++;
    this.m.set(key, t);
  }
}

const NO_EVENTS = '(no events)';

/** Reads ended episodes of a scope (undefined: every scope) one event row at a time. */
export function analyseFailures(db: Db, scope: string | undefined, limit: number): FailureAnalysis {
  const types = new Counter();
  const errors = new Counter();
  const finals = new Counter();
  const store = new EpisodeStore(db);
  const { failed: nF, succeeded: nS } = store.outcomes(scope);
  // An episode without events still has a last step, `(no events)`.
  const rows = store.endedEvents(scope);
  let current = null as { episode: string; failed: boolean; last: string } | null;
  const close = () => current && finals.add(current.last, current.episode, current.failed);
  for (const r of rows) {
    if (!current || current.episode !== r.episode) {
      close();
      current = { episode: r.episode, failed: r.success === 0, last: NO_EVENTS };
    }
    if (r.type === null) continue;
    const type = r.type.toLowerCase();
    current.last = type;
    types.add(type, r.episode, current.failed);
    const err = eventError(r.type, JSON.parse(r.data ?? '{}') as Json);
    if (err !== null) errors.add(`${type}\u0000${normalizeError(err).slice(0, 120).toLowerCase() || type}`, r.episode, current.failed);
  }
  close();
  const share = (n: number, of: number) => (of ? Math.round((n / of) * 1000) / 1000 : 0);
  const stat = (t: Tally): FactStat => ({ failed_episodes: t.failed.size, failed_share: share(t.failed.size, nF), succeeded_episodes: t.succeeded.size, succeeded_share: share(t.succeeded.size, nS) });
  const top = <T extends FactStat>(c: Counter, make: (key: string, t: Tally) => T) =>
    [...c.m.entries()]
      .filter(([, t]) => t.failed.size > 0)
      .sort(([ka, a], [kb, b]) => b.failed.size - a.failed.size || a.succeeded.size / (nS || 1) - b.succeeded.size / (nS || 1) || b.occurrences - a.occurrences || ka.localeCompare(kb))
      .slice(0, limit)
      .map(([k, t]) => make(k, t));
  return {
    scope: scope ?? null,
    failed: nF,
    succeeded: nS,
    event_types: top(types, (type, t) => ({ type, occurrences: t.occurrences, ...stat(t) })),
    errors: top(errors, (key, t) => {
      const [type, error] = key.split('\u0000') as [string, string];
      return { type, error, occurrences: t.occurrences, ...stat(t) };
    }),
    final_steps: top(finals, (type, t) => ({ type, ...stat(t) })),
  };
}
