// mem episode start / event / end / show / similar / failures
import { outcomeOf } from '../cli/outcome.js';
import type { Cli } from '../cli/act.js';
import type { EpisodeEndOpts, EpisodeEventOpts, EpisodeFailuresOpts, EpisodeSimilarOpts, EpisodeStartOpts } from '../cli/register/memory.js';
import { UsageError } from '../errors.js';
import type { Json } from '../episodes/api.js';
import { renderEpisode, renderFailures, renderSimilar } from '../render/episodes.js';
import { makeStyle } from '../render/style.js';
import { intOption, jsonOption } from '../util/io.js';

/** A JSON-object flag: absent is `{}`; bad JSON or another JSON type is a usage error naming the flag. */
function objectOption(v: string | undefined, flag: string): Json {
  if (v === undefined) return {};
  const parsed = jsonOption(v, flag);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${flag} must be a JSON object, e.g. '{"key": "value"}'`);
  return parsed as Json;
}

export function start({ mem, term }: Cli, opts: EpisodeStartOpts, task: string): void {
  const e = mem.episodes.start(task, { context: objectOption(opts.context, '--context'), scope: opts.scope });
  if (term.json) return term.outJson({ id: e.id });
  term.out(e.id);
}

export function event({ mem, term }: Cli, opts: EpisodeEventOpts, id: string): void {
  const r = mem.episodes.event(id, { type: opts.type, role: opts.role, data: objectOption(opts.data, '--data') });
  if (term.json) return term.outJson(r);
  term.out(`${r.episode_id}: event ${r.event.id} ${r.event.type}`);
}

export function end({ mem, term }: Cli, opts: EpisodeEndOpts, id: string): void {
  const outcome = outcomeOf(opts);
  if (!outcome) throw new UsageError('say how the episode ended: --outcome success or --outcome failure');
  const r = mem.episodes.end(id, outcome === 'success', { metrics: objectOption(opts.metrics, '--metrics') });
  const e = r.episode;
  if (term.json) return term.outJson({ id: e.id, success: e.success, ended_at: e.ended_at, events: e.events.length, memory_id: r.memory_id });
  term.out(`${e.id}: ${e.success ? 'success' : 'failure'} after ${e.events.length} events; remembered as experience ${r.memory_id}`);
}

export function show({ mem, term }: Cli, _opts: unknown, id: string): void {
  const e = mem.episodes.get(id);
  if (term.json) return term.outJson(e);
  term.out(renderEpisode(makeStyle(term.color), e));
}

export async function similar({ mem, term }: Cli, opts: EpisodeSimilarOpts, description: string): Promise<void> {
  if (opts.scope !== undefined && opts.allScopes) throw new UsageError('give either --scope or --all-scopes');
  const threshold = Number(opts.threshold);
  if (!(threshold >= 0 && threshold <= 1)) throw new UsageError(`--threshold must be between 0 and 1, got '${opts.threshold}'`);
  const r = await mem.episodes.similar(description, {
    scope: opts.scope,
    allScopes: Boolean(opts.allScopes),
    outcome: outcomeOf(opts),
    topK: intOption(opts.topK ?? opts.limit, opts.topK === undefined ? '--limit' : '--top-k', 1, 100),
    threshold,
  });
  const { notice_said, ...data } = r;
  if (term.json) return term.outJson(data);
  if (!notice_said) term.notice(r.notice);
  term.out(renderSimilar(makeStyle(term.color), r.results));
}

export function failures({ mem, term }: Cli, opts: EpisodeFailuresOpts): void {
  if (opts.scope !== undefined && opts.allScopes) throw new UsageError('give either --scope or --all-scopes');
  const a = mem.episodes.failures({ scope: opts.scope, allScopes: Boolean(opts.allScopes), limit: intOption(opts.limit, '--limit', 1, 1000) });
  if (term.json) return term.outJson(a);
  term.out(renderFailures(makeStyle(term.color), a));
}
