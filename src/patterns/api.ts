// Learned patterns in the core API: what separates successful from failed task memories that
// match a regex, and feedback that moves their confidence.
import type { World } from '../core/world.js';
import { InputError, intIn, MemError, UsageError } from '../errors.js';
import type { MatchingPattern } from '../memory/context.js';
import { resolveScope } from '../memory/scope.js';
import { redactString } from '../redact/index.js';
import { compileUserRegex } from '../util/safe-regex.js';
import { words } from '../util/words.js';
import { derive, describePattern } from './derive.js';
import { matchInWorker } from './regex-worker.js';
import { checkPatternType, PatternStore, type LearnedPattern, type PatternType } from './store.js';

export type { LearnedPattern, PatternType };

export interface PatternsApi {
  /** Learns a pattern from the task memories of a scope whose title or content match `match`. */
  extract(o: { match: string; type: string; minSamples?: number; scope?: string }): Promise<{ pattern: LearnedPattern; updated: boolean }>;
  list(o?: { type?: string; scope?: string; limit?: number }): LearnedPattern[];
  get(id: string): LearnedPattern;
  feedback(id: string, helpful: boolean, adjust?: number): LearnedPattern;
  /** Learned patterns whose text shares words with a task, best overlap and confidence first. */
  matching(task: string, scope: string | undefined, limit: number): MatchingPattern[];
}

export function patternsApi(world: World): PatternsApi {
  const scope = (flag?: string) => redactString(resolveScope(flag, world.env, world.cwd));
  return {
    async extract(o) {
      const type = checkPatternType(o.type, 'type');
      const minSamples = o.minSamples === undefined ? 3 : intIn(o.minSamples, 'min_samples', 1, 100_000);
      try {
        compileUserRegex(o.match); // syntax and the static safety check, before any work
      } catch (err) {
        // The regex is the `match` field of an HTTP or MCP request: name it, whatever the front end.
        if (err instanceof UsageError && !err.field) throw new UsageError(err.message, err.code, 'match');
        throw err;
      }
      const s = scope(o.scope);
      const store = new PatternStore(world.readDb());
      const candidates = store.candidates(s);
      const hits = candidates.length ? await matchInWorker(o.match, candidates.map((c) => c.text)) : [];
      const samples = hits.map((i) => candidates[i]!);
      if (samples.length < minSamples) {
        throw new MemError(
          `only ${samples.length} task memor${samples.length === 1 ? 'y' : 'ies'} in scope ${s} match /${o.match}/ with a known outcome (of ${candidates.length} with one); at least ${minSamples} are needed (min_samples)`,
          1,
          'too_few_samples',
        );
      }
      const derived = derive(samples);
      return new PatternStore(world.db()).save({ type, match: o.match, scope: s, description: describePattern(type, o.match, derived), derived }, world.now());
    },
    list: (o = {}) =>
      new PatternStore(world.readDb()).list({
        type: o.type === undefined ? undefined : checkPatternType(o.type, 'type'),
        scope: o.scope === undefined ? undefined : scope(o.scope),
        limit: o.limit === undefined ? 20 : intIn(o.limit, 'limit', 1, 100_000),
      }),
    get: (id) => new PatternStore(world.readDb()).resolve(id),
    feedback(id, helpful, adjust = 0.1) {
      if (!(adjust > 0 && adjust <= 1)) throw new InputError(`must be a number above 0 and at most 1, got '${String(adjust)}'`, undefined, 'adjust');
      return new PatternStore(world.db()).feedback(id, helpful, adjust, world.now());
    },
    matching(task, s, limit) {
      const taskWords = new Set(words(task));
      return new PatternStore(world.readDb())
        .list({ scope: s, limit: 500 })
        .map((p) => {
          const text = `${p.match} ${p.description} ${JSON.stringify(p.recommended_context)}`;
          const overlap = [...new Set(words(text))].filter((w) => taskWords.has(w)).length;
          const { id, type, description, confidence, success_indicators, failure_indicators, recommended_context } = p;
          return { id, type, description, confidence, success_indicators, failure_indicators, recommended_context, overlap };
        })
        .filter((p) => p.overlap > 0)
        .sort((a, b) => b.overlap - a.overlap || b.confidence - a.confidence)
        .slice(0, limit);
    },
  };
}
