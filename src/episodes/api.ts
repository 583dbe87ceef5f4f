// Episodes in the core API: a task worked through as a sequence of events, ended with an outcome
// and remembered as an experience memory; similar past episodes and what failed ones share.
import { outcomeFilter, type Outcome } from '../util/outcome.js';
import type { World } from '../core/world.js';
import { InputError, intIn, UsageError } from '../errors.js';
import { searchWithFallback, startEmbedWorker } from '../memory/embedder.js';
import { resolveScope } from '../memory/scope.js';
import { MemoryStore } from '../memory/store/memories.js';
import { redactString } from '../redact/index.js';
import { isObj } from '../util/json.js';
import { analyseFailures, type FailureAnalysis } from './analysis.js';
import { EpisodeStore, type Episode, type EpisodeEvent, type Json } from './store.js';

export type { Episode, EpisodeEvent, FailureAnalysis, Json };

export interface SimilarEpisode {
  episode_id: string;
  task: string;
  scope: string;
  success: boolean | null;
  similarity: number;
  keyword_score: number;
  semantic_score: number;
  events: number;
  started_at: string;
  ended_at: string | null;
  memory_id: string;
}

export interface EpisodesApi {
  start(task: string, opts?: { context?: Json; scope?: string }): Episode;
  event(id: string, e: { type: string; role?: string; data?: Json }): { episode_id: string; event: EpisodeEvent };
  end(id: string, success: boolean, opts?: { metrics?: Json }): { episode: Episode; memory_id: string; memory_created: boolean };
  get(id: string): Episode;
  /** Past episodes like this task, found through their experience memories (hybrid, or keywords). */
  similar(description: string, opts?: { scope?: string; allScopes?: boolean; successOnly?: boolean; outcome?: Outcome; topK?: number; threshold?: number }): Promise<{ query: string; mode: string; notice: string | null; notice_said?: boolean; results: SimilarEpisode[] }>;
  /** What failed episodes have in common: event types, errors, last steps, against successful ones. */
  failures(opts?: { scope?: string; allScopes?: boolean; limit?: number }): FailureAnalysis;
}

const object = (v: unknown, field: string): Json => {
  if (v === undefined) return {};
  if (!isObj(v)) throw new InputError('must be a JSON object, e.g. {"key": "value"}', undefined, field);
  return v;
};

export function episodesApi(world: World): EpisodesApi {
  const scopeOf = (o: { scope?: string; allScopes?: boolean }) => {
    if (o.scope !== undefined && o.allScopes) throw new UsageError('give either a scope or all scopes, not both');
    return o.allScopes ? undefined : redactString(resolveScope(o.scope, world.env, world.cwd));
  };
  return {
    start: (task, o = {}) => new EpisodeStore(world.db()).start(task ?? '', object(o.context, 'context'), scopeOf({ scope: o.scope })!, world.now()),
    event(id, e) {
      if (typeof e.type !== 'string') throw new InputError('is required', undefined, 'type');
      return new EpisodeStore(world.db()).event(id, { type: e.type, role: e.role, data: object(e.data, 'data') }, world.now());
    },
    end(id, success, o = {}) {
      const r = new EpisodeStore(world.db()).end(id, success, object(o.metrics, 'metrics'), world.now());
      if (r.memory_created) startEmbedWorker(world);
      return r;
    },
    get: (id) => new EpisodeStore(world.readDb()).get(id),
    async similar(description, o = {}) {
      if (!description?.trim()) throw new InputError('describe the task to find similar episodes for', undefined, 'description');
      const topK = o.topK === undefined ? 5 : intIn(o.topK, 'top_k', 1, 100);
      const threshold = o.threshold ?? 0.25;
      if (!(threshold >= 0 && threshold <= 1)) throw new InputError(`must be between 0 and 1, got '${String(o.threshold)}'`, undefined, 'threshold');
      const memories = new MemoryStore(world.readDb());
      // Ask for more than top-k: experience memories not made by an episode (mem add --kind experience) are dropped below.
      const found = await searchWithFallback(world, memories, {
        query: description,
        filter: { scope: scopeOf(o), kind: 'experience', outcome: outcomeFilter(o, o.successOnly ? 'success' : undefined) },
        topK: Math.min(200, topK * 4),
        threshold,
        mode: 'hybrid',
      });
      const hits = found.results.filter((h) => h.memory.task_id !== null && h.memory.source === 'ai_extracted');
      const episodes = new EpisodeStore(world.readDb()).byIds([...new Set(hits.map((h) => h.memory.task_id!))]);
      const seen = new Set<string>();
      const results: SimilarEpisode[] = [];
      for (const h of hits) {
        const e = episodes.get(h.memory.task_id!);
        if (!e || seen.has(e.id) || results.length >= topK) continue;
        seen.add(e.id);
        results.push({
          episode_id: e.id,
          task: e.task,
          scope: e.scope,
          success: e.success === null ? null : e.success === 1,
          similarity: h.score,
          keyword_score: h.keyword_score,
          semantic_score: h.semantic_score,
          events: e.events,
          started_at: new Date(e.started_at).toISOString(),
          ended_at: e.ended_at === null ? null : new Date(e.ended_at).toISOString(),
          memory_id: h.id,
        });
      }
      // Consulted like a search result: counts as reuse of those experience memories.
      if (results.length) {
        const w = new MemoryStore(world.db());
        w.markReused(results.map((r) => w.resolve(r.memory_id).n), world.now());
      }
      return { query: description, mode: found.mode, notice: found.notice, notice_said: found.notice_said, results };
    },
    failures: (o = {}) => analyseFailures(world.readDb(), scopeOf(o), o.limit === undefined ? 10 : intIn(o.limit, 'limit', 1, 1000)),
  };
}
