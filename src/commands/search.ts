import type { Ctx } from '../context.js';
import { UsageError } from '../errors.js';
import { MemoryStore } from '../memory/store.js';
import type { SearchMode, SearchResult } from '../memory/search.js';
import { errorQuery, normalizeError } from '../memory/text.js';
import { makeStyle, safe, type Style } from '../render/style.js';
import { intOption } from '../util/io.js';
import { searchFilter, searchWithFallback } from './memory-common.js';

function threshold(v: unknown): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`--threshold must be between 0 and 1, got '${String(v)}'`);
  return n;
}

export async function run(ctx: Ctx, opts: Record<string, unknown>, query: string): Promise<void> {
  if (!query.trim()) throw new UsageError('an empty query finds nothing: give some words');
  const mode = String(opts.mode) as SearchMode;
  if (!['hybrid', 'semantic', 'keyword'].includes(mode)) throw new UsageError(`--mode must be hybrid, semantic or keyword, got '${mode}'`);
  const store = new MemoryStore(ctx.db());
  const result = await searchWithFallback(ctx, store, {
    query,
    filter: searchFilter(ctx, opts),
    topK: intOption(opts.topK, '--top-k', 1, 100),
    threshold: threshold(opts.threshold),
    mode,
  });
  store.markReused(result.results.map((r) => store.resolve(r.id).n), ctx.now());
  print(ctx, query, result);
}

export async function recallError(ctx: Ctx, opts: Record<string, unknown>, message: string): Promise<void> {
  if (!message.trim()) throw new UsageError('give the error message to look up');
  const store = new MemoryStore(ctx.db());
  const filter = searchFilter(ctx, opts);
  // Errors and their resolutions are stored as `error` or `solution` memories. One search over
  // both, so their scores are normalised together (two searches each put their best at 1.0).
  const result = await searchWithFallback(ctx, store, {
    query: normalizeError(message),
    match: errorQuery(message),
    filter: { ...filter, kind: undefined, kinds: filter.kind ? [filter.kind] : ['error', 'solution'] },
    topK: intOption(opts.topK, '--top-k', 1, 100),
    threshold: threshold(opts.threshold),
    mode: 'hybrid',
  });
  store.markReused(result.results.map((r) => store.resolve(r.id).n), ctx.now());
  print(ctx, message, result);
}

function print(ctx: Ctx, query: string, r: SearchResult): void {
  if (ctx.json) return ctx.outJson({ query, mode: r.mode, notice: r.notice, results: r.results });
  if (r.notice) ctx.err(`mem: ${r.notice}`);
  const s = makeStyle(ctx.color);
  if (!r.results.length) return ctx.out(s.dim('nothing found'));
  ctx.out(r.results.map((h, i) => line(s, i, h)).join('\n\n'));
}

function line(s: Style, i: number, h: SearchResult['results'][number]): string {
  const head = `${s.bold(`${i + 1}.`)} ${s.cyan(h.score.toFixed(3))} ${s.dim(h.kind)} ${s.bold(safe(h.title || h.snippet.slice(0, 60)))} ${s.dim(h.id.slice(0, 8))}`;
  return `${head}\n   ${safe(h.snippet)}`;
}
