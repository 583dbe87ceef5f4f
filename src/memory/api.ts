// Semantic memory in the core API: notes, solutions, errors, tasks and experiences, stored at once
// and embedded in the background, found by meaning and keywords together.
import { outcomeFilter, type Outcome } from '../util/outcome.js';
import type { World } from '../core/world.js';
import { checkpointTruncate, type Db } from '../db/open.js';
import { InputError, intIn, UsageError } from '../errors.js';
import { redactString } from '../redact/index.js';
import { parseSince } from '../util/time.js';
import { embedderOrReason, rememberUnavailable, searchWithFallback, startEmbedWorker } from './embedder.js';
import { embedStatus } from './embed-status.js';
import { checkKind, checkSource, memoryFromObject, type MemoryInput } from './input.js';
import { kbMemories } from './kb.js';
import { EMBEDDING_STATUSES, MEMORY_LIMITS, type Memory } from './model.js';
import { resolveScope } from './scope.js';
import type { SearchMode, SearchResult } from './search.js';
import { EmbeddingQueue } from './store/embeddings.js';
import { MemoryStore, type AddResult, type EditChanges, type ListResult } from './store/memories.js';
import type { SearchFilter } from './store/search.js';
import { errorTerms, normalizeError } from './text.js';
import { runWorker, type WorkerReport } from './worker.js';
import { tryLock } from '../shell/lock.js';
import { MemError } from '../errors.js';

export type { AddResult, EditChanges, ListResult, Memory, MemoryInput, SearchMode, SearchResult };

/** Where a call looks: one scope (default: $MEM_SCOPE, else the git root of cwd, else `default`), or all. */
export interface ScopeOption {
  scope?: string;
  allScopes?: boolean;
}

export interface SearchOptions extends ScopeOption {
  kind?: string;
  tag?: string;
  topK?: number;
  /** Results to skip: a later page of the same ranking (`next_offset` of the page before). */
  offset?: number;
  /** Leave out results scoring below this (0..1; scores are absolute, see search.ts). */
  minScore?: number;
  /** Minimum cosine similarity for the semantic side (0..1). */
  threshold?: number;
  /** Only memories of tasks or experiences that came to this (success or failure). */
  outcome?: Outcome;
  /** Same as outcome: 'success' (the HTTP and MCP field). */
  successOnly?: boolean;
  mode?: SearchMode;
  /**
   * Don't wait for a busy store to count the results' reuse (skip the count instead): for answers
   * with a deadline, such as an agent hook's.
   */
  noWait?: boolean;
}

export interface ListOptions extends ScopeOption {
  kind?: string;
  tag?: string;
  source?: string;
  status?: string;
  /** Created at or after: ISO, epoch, or an age such as `7d`. */
  after?: string;
  before?: string;
  sort?: 'created' | 'updated' | 'accessed';
  order?: 'asc' | 'desc';
  page?: number;
  perPage?: number;
  cursor?: string;
}

export interface BulkReport {
  created: number;
  duplicates: number;
  failed: number;
  errors: { line: number; error: string }[];
  ids: string[];
}

export interface EmbedReport extends WorkerReport {
  retried: number;
  reembed: number;
  model: string;
  counts: Record<string, number>;
}

export interface EmbedStatusReport {
  counts: Record<string, number>;
  models: { model: string; count: number }[];
  provider: string;
  unavailable: string | null;
}

export interface MemoriesApi {
  /** Resolves the scope a call works in: the given one, else $MEM_SCOPE, else the git root, else `default`. */
  scope(flag?: string): string;
  /** Stores one memory (`{content, kind, title, tags, metadata, ...}`); returns at once, embedded in the background. */
  add(value: unknown, opts?: { scope?: string }): AddResult;
  /** Many memories (bulk lines): valid ones stored together, invalid ones reported by line. */
  addMany(values: readonly { line: number; value: unknown }[], defaults?: { kind?: string; source?: string; scope?: string }): BulkReport;
  list(q?: ListOptions): ListResult;
  /** One memory by id or a 6+ character prefix; marks it accessed. */
  get(id: string): Memory;
  edit(id: string, changes: { content?: string; title?: string; tags?: unknown; metadata?: Record<string, unknown> }): Memory;
  remove(id: string, opts?: { purge?: boolean }): Memory;
  log(id: string): { at: string; action: string; changes: Record<string, unknown> }[];
  search(query: string, opts?: SearchOptions): Promise<SearchResult>;
  /** Past errors like this message and how they were resolved (errors and solutions ranked together). */
  recallError(message: string, opts?: SearchOptions): Promise<SearchResult>;
  /** Embeds pending memories now (the background worker's work, in the foreground). */
  embed(opts?: { retryFailed?: boolean; reembed?: boolean; onProgress?: (done: number, total: number) => void }): Promise<EmbedReport>;
  /**
   * The background worker's run: quiet, single-instance, gives up silently when no model exists.
   * `retryFailed` first gives memories whose embedding failed a fresh set of attempts.
   */
  embedInBackground(opts?: { retryFailed?: boolean }): Promise<void>;
  /** A memory whose embedding failed goes back to `pending` and the worker is started. */
  retryEmbedding(id: string): Memory;
  /** The memory describing a task: its id, else the newest memory with that `task_id`. */
  task(taskId: string): Memory;
  embedStatus(): EmbedStatusReport;
  /** Loads the starter knowledge base into a scope (idempotent). */
  seedKb(opts?: { scope?: string }): { scope: string; added: number; already_present: number };
}

export function memoriesApi(world: World): MemoriesApi {
  // One MemoryStore per connection, so its prepared statements last as long as the connection
  // (a server answers thousands of requests a second on one).
  const stores = new WeakMap<Db, MemoryStore>();
  const on = (db: Db) => {
    let s = stores.get(db);
    if (!s) stores.set(db, (s = new MemoryStore(db)));
    return s;
  };
  const store = () => on(world.db());
  const reader = () => on(world.readDb());
  // With world.batchReads (a server), a read's accessed_at waits here, written for many reads in
  // one transaction at most a second later (or before anything sorts by it, or the store closes):
  // a write per read made every read a write transaction and put the WAL's checkpoints in the
  // reads' latency (p99 35 ms on the serve bench).
  const touches = new Map<number, number>();
  let flushTimer: NodeJS.Timeout | undefined;
  const flushTouches = (): void => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    if (!touches.size) return;
    let written = false;
    try {
      written = store().touchAll(touches);
    } catch {
      written = true; // bookkeeping: a store that cannot take it (gone, read-only) loses the access times, never the server
    }
    if (written) touches.clear();
    else flushTimer = setTimeout(flushTouches, 1000).unref(); // busy: again later
  };
  const deferTouch = (n: number): void => {
    touches.set(n, world.now());
    flushTimer ??= setTimeout(flushTouches, 1000).unref();
  };
  if (world.batchReads) world.beforeClose(flushTouches);
  const scope = (flag?: string) => redactString(resolveScope(flag, world.env, world.cwd));
  const filterOf = (o: SearchOptions): SearchFilter => {
    if (o.scope !== undefined && o.allScopes) throw new UsageError('give either a scope or all scopes, not both');
    return {
      scope: o.allScopes ? undefined : scope(o.scope),
      kind: o.kind === undefined ? undefined : checkKind(o.kind),
      tag: o.tag,
      outcome: outcomeFilter(o, o.successOnly ? 'success' : undefined),
    };
  };
  const threshold = (v: number | undefined) => {
    if (v === undefined) return 0.25;
    if (!(v >= 0 && v <= 1)) throw new InputError(`must be between 0 and 1, got ${String(v)}`, undefined, 'threshold');
    return v;
  };
  const reused = async (r: Promise<SearchResult>, o: { noWait?: boolean } = {}) => {
    const result = await r;
    if (!result.results.length) return result;
    const s = new MemoryStore(world.db());
    s.markReused(result.results.map((h) => s.resolve(h.id).n), world.now(), o.noWait ? { waitMs: 0 } : {});
    return result;
  };
  const api: MemoriesApi = {
    scope,
    add(value, o = {}) {
      const input = memoryFromObject(value);
      const [r] = store().add([{ ...input, scope: input.scope ?? scope(o.scope) }], world.now());
      if (r!.created) startEmbedWorker(world);
      return r!;
    },
    addMany(values, d = {}) {
      if (values.length > MEMORY_LIMITS.bulkLines) throw new UsageError(`bulk takes at most ${MEMORY_LIMITS.bulkLines} memories, got ${values.length}`);
      const defaults = { kind: d.kind === undefined ? undefined : checkKind(d.kind), source: d.source === undefined ? undefined : checkSource(d.source) };
      const fallback = scope(d.scope);
      const good: (MemoryInput & { scope: string })[] = [];
      const errors: { line: number; error: string }[] = [];
      for (const { line, value } of values) {
        try {
          // Spreading a non-object (an array, a string, null) would hide it as "content is required".
          const withDefaults = typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...defaults, ...value } : value;
          const m = memoryFromObject(withDefaults, line);
          good.push({ ...m, scope: m.scope ?? fallback });
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          errors.push({ line, error: err.message });
        }
      }
      const results = good.length ? store().add(good, world.now()) : [];
      const created = results.filter((r) => r.created).length;
      if (created) startEmbedWorker(world);
      return { created, duplicates: results.length - created, failed: errors.length, errors, ids: results.map((r) => r.memory.id) };
    },
    list(q = {}) {
      const sort = q.sort ?? 'created';
      if (!['created', 'updated', 'accessed'].includes(sort)) throw new InputError(`must be created, updated or accessed, got '${String(sort)}'`, undefined, 'sort');
      if (sort === 'accessed') flushTouches();
      if (q.status !== undefined && !(EMBEDDING_STATUSES as readonly string[]).includes(q.status)) throw new InputError(`must be one of ${EMBEDDING_STATUSES.join(', ')}`, undefined, 'status');
      if (q.scope !== undefined && q.allScopes) throw new UsageError('give either a scope or all scopes, not both');
      const now = world.now();
      return reader().list({
        kind: q.kind === undefined ? undefined : checkKind(q.kind),
        tag: q.tag,
        source: q.source === undefined ? undefined : checkSource(q.source),
        scope: q.allScopes ? undefined : scope(q.scope),
        status: q.status,
        createdAfter: q.after === undefined ? undefined : parseSince(q.after, now),
        createdBefore: q.before === undefined ? undefined : parseSince(q.before, now),
        sort,
        order: q.order === 'asc' ? 'asc' : 'desc',
        page: q.page === undefined ? 1 : intIn(q.page, 'page', 1, Number.MAX_SAFE_INTEGER),
        perPage: q.perPage === undefined ? 20 : intIn(q.perPage, 'per_page', 1, 100),
        cursor: q.cursor,
      });
    },
    get: (id) => (world.storeExists() ? store().show(id, world.now(), world.batchReads ? deferTouch : undefined) : reader().show(id, world.now())),
    edit(id, c) {
      const changes: EditChanges = {};
      // Validated and redacted through the same path as `add`.
      const probe = memoryFromObject({ content: c.content ?? 'x', title: c.title, tags: c.tags, metadata: c.metadata });
      if (c.content !== undefined) changes.content = probe.content;
      if (c.title !== undefined) changes.title = probe.title;
      if (c.tags !== undefined) changes.tags = probe.tags;
      if (c.metadata !== undefined) changes.metadata = probe.metadata;
      if (!Object.keys(changes).length) throw new UsageError('nothing to change: give content, title, tags or metadata');
      const m = store().edit(id, changes, world.now());
      if (changes.content !== undefined && m.embedding_status === 'pending') startEmbedWorker(world);
      return m;
    },
    remove(id, o = {}) {
      const m = store().remove(id, world.now(), Boolean(o.purge));
      // Purged is gone from disk: secure_delete zeroed the rows; the WAL's old page images go too.
      if (o.purge) checkpointTruncate(world.db());
      return m;
    },
    log: (id) => reader().log(id),
    search(query, o = {}) {
      if (!query.trim()) throw new InputError('an empty query finds nothing: give some words', undefined, 'query');
      const mode = o.mode ?? 'hybrid';
      if (!['hybrid', 'semantic', 'keyword'].includes(mode)) throw new InputError(`must be hybrid, semantic or keyword, got '${String(mode)}'`, undefined, 'mode');
      return reused(searchWithFallback(world, reader(), { query, filter: filterOf(o), ...page(o, 5), threshold: threshold(o.threshold), mode }));
    },
    recallError(message, o = {}) {
      if (!message.trim()) throw new InputError('give the error message to look up', undefined, 'message');
      const filter = filterOf(o);
      // Errors and their resolutions are stored as `error` or `solution` memories: one search over
      // both ranks them together.
      return reused(
        searchWithFallback(world, reader(), {
          query: normalizeError(message),
          terms: errorTerms(message),
          filter: { ...filter, kind: undefined, kinds: filter.kind ? [filter.kind] : ['error', 'solution'] },
          ...page(o, 5),
          threshold: threshold(o.threshold),
          // keyword: no model is loaded (an agent's hook answers a failure in a few hundred ms)
          mode: o.mode === 'keyword' ? 'keyword' : 'hybrid',
        }),
        { noWait: o.noWait },
      );
    },
    async embed(o = {}) {
      const db = world.db();
      const lock = tryLock(world.paths.embedLock);
      if (!lock) throw new MemError('another embedding worker is running; `mem embed --status` shows its progress', 1, 'busy');
      try {
        const q = new EmbeddingQueue(db);
        const queued = { retried: o.retryFailed ? q.retryFailed() : 0, reembed: 0 };
        const { embedder, reason } = await embedderOrReason(world, { retry: true });
        if (!embedder) throw new MemError(`cannot embed: ${reason}`, 1, 'embedding_unavailable');
        if (o.reembed) queued.reembed = q.queueReembed(null);
        const report = await runWorker(db, embedder, { batchSize: world.config.get<number>('embedding.batch_size'), now: world.now, onProgress: o.onProgress });
        rememberUnavailable(world, report.unavailable ?? null);
        if (report.unavailable) throw new MemError(`cannot embed: ${report.unavailable}`, 1, 'embedding_unavailable');
        return { ...queued, ...report, model: embedder.model, counts: new MemoryStore(db).statusCounts() };
      } finally {
        lock.release();
      }
    },
    async embedInBackground(o = {}) {
      // Reset even when another worker holds the lock: it claims them in its next batch.
      if (o.retryFailed && world.storeExists()) new EmbeddingQueue(world.db()).retryFailed();
      // Nothing to embed: no model is loaded (a server asks every few minutes).
      if (!world.storeExists() || new EmbeddingQueue(world.readDb()).due(world.now()) === 0) return;
      const lock = tryLock(world.paths.embedLock);
      if (!lock) return;
      try {
        const db = world.db();
        // Detached and silent: what it finds out is remembered as not yet said to anyone.
        const { embedder } = await embedderOrReason(world, { retry: true, quiet: true });
        if (!embedder) return;
        const report = await runWorker(db, embedder, { batchSize: world.config.get<number>('embedding.batch_size'), now: world.now });
        rememberUnavailable(world, report.unavailable ?? null, false);
      } finally {
        lock.release();
      }
    },
    retryEmbedding(id) {
      const m = store().retryEmbedding(id, world.now());
      startEmbedWorker(world);
      return m;
    },
    task: (taskId) => reader().taskMemory(taskId),
    embedStatus() {
      const db = world.readDb();
      const st = embedStatus(world.paths.embedStatus);
      return { counts: new MemoryStore(db).statusCounts(), models: new EmbeddingQueue(db).models(), provider: world.config.get<string>('embedding.provider'), unavailable: st?.unavailable ?? null };
    },
    seedKb(o = {}) {
      const s = scope(o.scope);
      const results = store().add(kbMemories().map((m) => ({ ...m, scope: s })), world.now());
      const added = results.filter((r) => r.created).length;
      if (added) startEmbedWorker(world);
      return { scope: s, added, already_present: results.length - added };
    },
  };
  return api;
}

const topK = (v: number | undefined, dflt: number) => (v === undefined ? dflt : intIn(v, 'top_k', 1, 100));

/** Which results of a ranking a search returns: top-k from an offset, above a minimum score. */
function page(o: SearchOptions, dflt: number): { topK: number; offset: number; minScore: number } {
  const minScore = o.minScore ?? 0;
  if (!(minScore >= 0 && minScore <= 1)) throw new InputError(`must be between 0 and 1, got ${String(o.minScore)}`, undefined, 'min_score');
  return { topK: topK(o.topK, dflt), offset: o.offset === undefined ? 0 : intIn(o.offset, 'offset', 0, 900), minScore };
}
