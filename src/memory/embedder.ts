// The embedder a world is configured for, searches that fall back to keywords when it cannot
// work here, and the background worker that embeds new memories.
import type { World } from '../core/world.js';
import { defaultModelFor, EmbeddingUnavailable, type Embedder } from './embed/types.js';
import { knownUnavailable, markTold, recordEmbedStatus } from './embed-status.js';
import { search, type SearchOptions, type SearchResult } from './search.js';
import { lockOwner } from '../shell/lock.js';
import type { MemoryStore } from './store/memories.js';

function configured(world: World): { provider: string; model: string } {
  const provider = world.config.get<string>('embedding.provider');
  return { provider, model: world.config.get<string>('embedding.model') || defaultModelFor(provider) };
}

/** Remembers why embedding is unavailable (null: it works); `told` is false when no person heard it. */
export function rememberUnavailable(world: World, reason: string | null, told = true): void {
  recordEmbedStatus(world.paths.embedStatus, reason, configured(world), world.now(), told);
}

/**
 * The configured embedder, or null with the reason (provider none, model missing, no key).
 * `remembered`: the reason comes from an earlier failure that a person was already told about.
 * `quiet`: the caller tells no one (the background worker), so a failure is remembered as unsaid.
 */
export async function embedderOrReason(
  world: World,
  opts: { retry?: boolean; quiet?: boolean } = {},
): Promise<{ embedder: Embedder | null; reason: string | null; remembered?: boolean }> {
  const about = configured(world);
  if (about.provider === 'none') return { embedder: null, reason: 'embedding provider is none' };
  const known = opts.retry ? null : knownUnavailable(world.paths.embedStatus, about, world.now());
  if (known) {
    // Found by the background worker, said by no one yet: this caller says it, once.
    if (!known.told && !opts.quiet) markTold(world.paths.embedStatus);
    return { embedder: null, reason: known.reason, remembered: known.told };
  }
  try {
    // Loaded only when an embedder is wanted: keyword searches never pay for the embedding stack.
    const { loadEmbedder } = await import('./embed/index.js');
    const embedder = await loadEmbedder(world.config, world.env);
    return { embedder, reason: embedder ? null : 'embedding provider is none' };
  } catch (err) {
    if (!(err instanceof EmbeddingUnavailable)) throw err;
    rememberUnavailable(world, err.message, !opts.quiet);
    return { embedder: null, reason: err.message };
  }
}

/**
 * Runs a search, falling back to keywords when the model is unavailable. A failure to load the
 * model is remembered for a while, so later searches skip straight to keywords; their results
 * still carry the notice, marked as already said (people are told once).
 */
export async function searchWithFallback(world: World, store: MemoryStore, o: SearchOptions): Promise<SearchResult> {
  const { embedder, reason, remembered } = o.mode === 'keyword' ? { embedder: null, reason: null, remembered: false } : await embedderOrReason(world);
  try {
    const r = await search(store, embedder, o, reason);
    return remembered ? { ...r, notice_said: true } : r;
  } catch (err) {
    if (!(err instanceof EmbeddingUnavailable)) throw err;
    rememberUnavailable(world, err.message);
    return search(store, null, o, err.message);
  }
}

/** New or edited content waits as `pending`; a detached worker embeds it (no model load here). */
export function startEmbedWorker(world: World): void {
  const about = configured(world);
  if (about.provider === 'none' || world.env.MEM_NO_WORKER) return;
  // A running worker claims new pending memories in its next batch: no second process needed.
  if (lockOwner(world.paths.embedLock)?.alive) return;
  // A worker that just found no model would find none again: don't start a process (which loads
  // the embedding runtime) on every add for nothing. `mem embed` clears this once a model is there.
  if (knownUnavailable(world.paths.embedStatus, about, world.now())) return;
  world.spawn(['embed', '--worker']);
}
