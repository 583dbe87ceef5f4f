// mem list / show / edit / rm / log
import type { Ctx } from '../context.js';
import { UsageError } from '../errors.js';
import { memoryFromObject, parseMetaPairs, parseTags, checkKind, checkSource } from '../memory/input.js';
import { EMBEDDING_STATUSES } from '../memory/model.js';
import { resolveScope } from '../memory/scope.js';
import { MemoryStore, type EditChanges } from '../memory/store.js';
import { renderMemory, renderMemoryList } from '../render/memory.js';
import { makeStyle, safe } from '../render/style.js';
import { intOption, readInput } from '../util/io.js';
import { parseSince } from '../util/time.js';
import { startEmbedWorker } from './embed-worker.js';

export function list(ctx: Ctx, opts: Record<string, unknown>): void {
  const sort = String(opts.sort ?? 'created');
  if (!['created', 'updated', 'accessed'].includes(sort)) throw new UsageError(`--sort must be created, updated or accessed, got '${sort}'`);
  const order = opts.asc ? 'asc' : 'desc';
  const status = opts.status === undefined ? undefined : String(opts.status);
  if (status && !(EMBEDDING_STATUSES as readonly string[]).includes(status)) throw new UsageError(`--status must be one of ${EMBEDDING_STATUSES.join(', ')}`);
  const now = ctx.now();
  const result = new MemoryStore(ctx.db()).list({
    kind: opts.kind === undefined ? undefined : checkKind(opts.kind),
    tag: opts.tag as string | undefined,
    source: opts.source === undefined ? undefined : checkSource(opts.source),
    scope: opts.allScopes ? undefined : resolveScope(opts.scope, ctx.env, ctx.cwd),
    status,
    createdAfter: opts.after === undefined ? undefined : parseSince(String(opts.after), now),
    createdBefore: opts.before === undefined ? undefined : parseSince(String(opts.before), now),
    sort: sort as 'created',
    order,
    page: intOption(opts.page, '--page', 1),
    perPage: intOption(opts.perPage, '--per-page', 1, 100),
    cursor: opts.cursor as string | undefined,
  });
  if (ctx.json) return ctx.outJson(result);
  ctx.out(renderMemoryList(makeStyle(ctx.color), result.data, result.meta, now));
}

export function show(ctx: Ctx, _opts: unknown, id: string): void {
  const m = new MemoryStore(ctx.db()).show(id, ctx.now());
  if (ctx.json) return ctx.outJson(m);
  ctx.out(renderMemory(makeStyle(ctx.color), m));
}

export function edit(ctx: Ctx, opts: Record<string, unknown>, id: string): void {
  const changes: EditChanges = {};
  if (opts.content !== undefined) changes.content = String(opts.content) === '-' ? readInput('-') : String(opts.content);
  // Validate and redact through the same path as `mem add`.
  const probe = memoryFromObject({ content: changes.content ?? 'x', title: opts.title, metadata: opts.meta ? parseMetaPairs(opts.meta as string[]) : undefined });
  if (opts.content !== undefined) changes.content = probe.content;
  if (opts.title !== undefined) changes.title = probe.title;
  if (opts.tags !== undefined) changes.tags = parseTags(opts.tags);
  if (opts.meta !== undefined) changes.metadata = probe.metadata;
  if (!Object.keys(changes).length) throw new UsageError('nothing to change: give --content, --title, --tags or --meta');
  const m = new MemoryStore(ctx.db()).edit(id, changes, ctx.now());
  if (changes.content !== undefined && m.embedding_status === 'pending') startEmbedWorker(ctx);
  if (ctx.json) return ctx.outJson(m);
  ctx.out(`updated ${m.id}${changes.content !== undefined && m.embedding_status === 'pending' ? ' (content changed: embedding_status pending)' : ''}`);
}

export function rm(ctx: Ctx, opts: Record<string, unknown>, id: string): void {
  const m = new MemoryStore(ctx.db()).remove(id, ctx.now(), Boolean(opts.purge));
  if (ctx.json) return ctx.outJson({ id: m.id, purged: Boolean(opts.purge) });
  ctx.out(opts.purge ? `purged ${m.id} for good` : `deleted ${m.id} (kept in the audit trail; --purge removes it for good)`);
}

export function log(ctx: Ctx, _opts: unknown, id: string): void {
  const entries = new MemoryStore(ctx.db()).log(id);
  if (ctx.json) return ctx.outJson({ id, entries });
  const s = makeStyle(ctx.color);
  for (const e of entries) {
    const fields = Object.keys(e.changes).length ? ` ${s.dim(safe(JSON.stringify(e.changes)).slice(0, 200))}` : '';
    ctx.out(`${s.dim(e.at)}  ${e.action.padEnd(7)}${fields}`);
  }
}
