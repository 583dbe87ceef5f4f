import type { Cli } from '../cli/act.js';
import { outcomeOf } from '../cli/outcome.js';
import type { SearchOpts } from '../cli/register/memory.js';
import { UsageError } from '../errors.js';
import type { SearchMode, SearchOptions, SearchResult } from '../memory/api.js';
import { makeStyle, safe, type Style } from '../render/style.js';
import { intOption } from '../util/io.js';

function threshold(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`--threshold must be between 0 and 1, got '${v}'`);
  return n;
}

function options(opts: SearchOpts): SearchOptions {
  if (opts.scope !== undefined && opts.allScopes) throw new UsageError('give either --scope or --all-scopes');
  return { scope: opts.scope, allScopes: Boolean(opts.allScopes), kind: opts.kind, tag: opts.tag, topK: intOption(opts.topK ?? opts.limit, opts.topK === undefined ? '--limit' : '--top-k', 1, 100), threshold: threshold(opts.threshold), outcome: outcomeOf(opts) };
}

export async function run({ mem, term }: Cli, opts: SearchOpts & { mode: string }, query: string): Promise<void> {
  if (!query.trim()) throw new UsageError('an empty query finds nothing: give some words');
  const mode = opts.mode as SearchMode;
  if (!['hybrid', 'semantic', 'keyword'].includes(mode)) throw new UsageError(`--mode must be hybrid, semantic or keyword, got '${mode}'`);
  print({ mem, term }, query, await mem.memories.search(query, { ...options(opts), mode }));
}

export async function recallError({ mem, term }: Cli, opts: SearchOpts, message: string): Promise<void> {
  if (!message.trim()) throw new UsageError('give the error message to look up');
  print({ mem, term }, message, await mem.memories.recallError(message, options(opts)));
}

function print({ term }: Cli, query: string, r: SearchResult): void {
  if (term.json) return term.outJson({ query, mode: r.mode, notice: r.notice, results: r.results });
  if (!r.notice_said) term.notice(r.notice);
  const s = makeStyle(term.color);
  if (!r.results.length) return term.out(s.dim('nothing found'));
  term.out(r.results.map((h, i) => line(s, i, h)).join('\n\n'));
}

function line(s: Style, i: number, h: SearchResult['results'][number]): string {
  const head = `${s.bold(`${i + 1}.`)} ${s.cyan(h.score.toFixed(3))} ${s.dim(h.kind)} ${s.bold(safe(h.title || h.snippet.slice(0, 60)))} ${s.dim(h.id.slice(0, 8))}`;
  return `${head}\n   ${safe(h.snippet)}`;
}
