// Shared by the memory commands that search: the embedder (or why there is none), search with a
// keyword fallback, and search filters.
import type { Ctx } from '../context.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../db/paths.js';
import { EmbeddingUnavailable, loadEmbedder, type Embedder } from '../memory/embed/index.js';
import { MemoryStore, type SearchFilter } from '../memory/store.js';
import { search, type SearchOptions, type SearchResult } from '../memory/search.js';
import { checkKind } from '../memory/input.js';
import { resolveScope } from '../memory/scope.js';
import { UsageError } from '../errors.js';


const statusFile = (env: NodeJS.ProcessEnv) => join(dataDir(env), 'embed.status.json');

/** Remembers why embedding is unavailable, so every command can say it once without retrying. */
export function recordEmbedStatus(env: NodeJS.ProcessEnv, unavailable: string | null): void {
  try {
    writeFileSync(statusFile(env), JSON.stringify({ at: new Date().toISOString(), unavailable }) + '\n', { mode: 0o600 });
  } catch {
    // advice only
  }
}

export function embedStatus(env: NodeJS.ProcessEnv): { at: string; unavailable: string | null } | null {
  try {
    return existsSync(statusFile(env)) ? JSON.parse(readFileSync(statusFile(env), 'utf8')) : null;
  } catch {
    return null;
  }
}

/** The configured embedder, or null with the reason (provider none, model missing, no key). */
export async function embedderOrReason(ctx: Ctx): Promise<{ embedder: Embedder | null; reason: string | null }> {
  try {
    const embedder = await loadEmbedder(ctx.config, ctx.env);
    return { embedder, reason: embedder ? null : 'embedding provider is none' };
  } catch (err) {
    if (err instanceof EmbeddingUnavailable) return { embedder: null, reason: err.message };
    throw err;
  }
}

/** Runs a search, falling back to keywords when the model turns out to be unavailable. */
export async function searchWithFallback(ctx: Ctx, store: MemoryStore, o: SearchOptions): Promise<SearchResult> {
  const { embedder, reason } = o.mode === 'keyword' ? { embedder: null, reason: null } : await embedderOrReason(ctx);
  try {
    return await search(store, embedder, o, reason);
  } catch (err) {
    if (!(err instanceof EmbeddingUnavailable)) throw err;
    recordEmbedStatus(ctx.env, err.message);
    return search(store, null, o, err.message);
  }
}

export function searchFilter(ctx: Ctx, opts: Record<string, unknown>): SearchFilter {
  if (opts.scope !== undefined && opts.allScopes) throw new UsageError('give either --scope or --all-scopes');
  return {
    scope: opts.allScopes ? undefined : resolveScope(opts.scope, ctx.env, ctx.cwd),
    kind: opts.kind === undefined ? undefined : checkKind(opts.kind),
    tag: opts.tag as string | undefined,
    successOnly: Boolean(opts.successOnly),
  };
}
