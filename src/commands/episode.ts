// mem episode start / event / end / show / similar / failures
import type { Ctx } from '../context.js';
import { UsageError } from '../errors.js';
import { analyseFailures } from '../memory/episode-analysis.js';
import { EpisodeStore, type Json } from '../memory/episodes.js';
import { resolveScope } from '../memory/scope.js';
import { MemoryStore } from '../memory/store.js';
import { renderEpisode, renderFailures, renderSimilar, type SimilarEpisode } from '../render/episodes.js';
import { makeStyle } from '../render/style.js';
import { intOption, jsonOption } from '../util/io.js';
import { searchFilter, searchWithFallback } from './memory-common.js';
import { startEmbedWorker } from './embed-worker.js';

/** A JSON-object flag: absent is `{}`; bad JSON or another JSON type is a usage error naming the flag. */
function objectOption(v: unknown, flag: string): Json {
  if (v === undefined) return {};
  const parsed = jsonOption(v, flag);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${flag} must be a JSON object, e.g. '{"key": "value"}'`);
  return parsed as Json;
}

function scopeOf(ctx: Ctx, opts: Record<string, unknown>): string | undefined {
  if (opts.scope !== undefined && opts.allScopes) throw new UsageError('give either --scope or --all-scopes');
  return opts.allScopes ? undefined : resolveScope(opts.scope, ctx.env, ctx.cwd);
}

export function start(ctx: Ctx, opts: Record<string, unknown>, task: string): void {
  const context = objectOption(opts.context, '--context');
  const e = new EpisodeStore(ctx.db()).start(task ?? '', context, resolveScope(opts.scope, ctx.env, ctx.cwd), ctx.now());
  if (ctx.json) return ctx.outJson({ id: e.id });
  ctx.out(e.id);
}

export function event(ctx: Ctx, opts: Record<string, unknown>, id: string): void {
  if (typeof opts.type !== 'string') throw new UsageError('give the event type with --type');
  const data = objectOption(opts.data, '--data');
  const r = new EpisodeStore(ctx.db()).event(id, { type: opts.type, role: opts.role === undefined ? undefined : String(opts.role), data }, ctx.now());
  if (ctx.json) return ctx.outJson(r);
  ctx.out(`${r.episode_id}: event ${r.event.id} ${r.event.type}`);
}

export function end(ctx: Ctx, opts: Record<string, unknown>, id: string): void {
  if (Boolean(opts.success) === Boolean(opts.failure)) throw new UsageError('say how the episode ended: --success or --failure (one of them)');
  const metrics = objectOption(opts.metrics, '--metrics');
  const r = new EpisodeStore(ctx.db()).end(id, Boolean(opts.success), metrics, ctx.now());
  if (r.memory_created) startEmbedWorker(ctx);
  const e = r.episode;
  if (ctx.json) return ctx.outJson({ id: e.id, success: e.success, ended_at: e.ended_at, events: e.events.length, memory_id: r.memory_id });
  ctx.out(`${e.id}: ${e.success ? 'success' : 'failure'} after ${e.events.length} events; remembered as experience ${r.memory_id}`);
}

export function show(ctx: Ctx, _opts: unknown, id: string): void {
  const e = new EpisodeStore(ctx.db()).get(id);
  if (ctx.json) return ctx.outJson(e);
  ctx.out(renderEpisode(makeStyle(ctx.color), e));
}

/**
 * Past episodes like DESCRIPTION: their experience memories are searched like any memory (hybrid,
 * or keywords when no model is available), then mapped back to the episodes they came from.
 */
export async function similar(ctx: Ctx, opts: Record<string, unknown>, description: string): Promise<void> {
  if (!description?.trim()) throw new UsageError('describe the task to find similar episodes for');
  const topK = intOption(opts.topK ?? 5, '--top-k', 1, 100);
  const threshold = Number(opts.threshold ?? 0.25);
  if (!(threshold >= 0 && threshold <= 1)) throw new UsageError(`--threshold must be between 0 and 1, got '${String(opts.threshold)}'`);
  const memories = new MemoryStore(ctx.db());
  // Ask for more than top-k: experience memories not made by an episode (mem add --kind experience) are dropped below.
  const found = await searchWithFallback(ctx, memories, {
    query: description,
    filter: { ...searchFilter(ctx, { scope: opts.scope, allScopes: opts.allScopes, successOnly: opts.successOnly }), kind: 'experience' },
    topK: Math.min(200, topK * 4),
    threshold,
    mode: 'hybrid',
  });
  const hits = found.results.filter((h) => h.memory.task_id !== null && h.memory.source === 'ai_extracted');
  const episodes = new EpisodeStore(ctx.db()).byIds([...new Set(hits.map((h) => h.memory.task_id!))]);
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
  memories.markReused(results.map((r) => memories.resolve(r.memory_id).n), ctx.now());
  if (ctx.json) return ctx.outJson({ query: description, mode: found.mode, notice: found.notice, results });
  if (found.notice) ctx.err(`mem: ${found.notice}`);
  ctx.out(renderSimilar(makeStyle(ctx.color), results));
}

export function failures(ctx: Ctx, opts: Record<string, unknown>): void {
  const a = analyseFailures(ctx.db(), scopeOf(ctx, opts), intOption(opts.limit ?? 10, '--limit', 1, 1000));
  if (ctx.json) return ctx.outJson(a);
  ctx.out(renderFailures(makeStyle(ctx.color), a));
}
