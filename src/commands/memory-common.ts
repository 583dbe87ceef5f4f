// Shared by the memory commands that search: the embedder (or why there is none), search with a
// keyword fallback, and search filters.
import type { Ctx } from '../context.js';
import { recordEmbedStatus } from '../memory/embed-status.js';
export { embedStatus, recordEmbedStatus } from '../memory/embed-status.js';
import { EmbeddingUnavailable, type Embedder } from '../memory/embed/types.js';
import { MemoryStore, type SearchFilter } from '../memory/store.js';
import { search, type SearchOptions, type SearchResult } from '../memory/search.js';
import { checkKind } from '../memory/input.js';
import { resolveScope } from '../memory/scope.js';
import { UsageError } from '../errors.js';


/** The configured embedder, or null with the reason (provider none, model missing, no key). */
export async function embedderOrReason(ctx: Ctx): Promise<{ embedder: Embedder | null; reason: string | null }> {
  try {
    // Loaded only when an embedder is wanted: keyword searches never pay for the embedding stack.
    const { loadEmbedder } = await import('../memory/embed/index.js');
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
