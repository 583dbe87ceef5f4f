// mem list / show / edit / rm / log
import type { Cli } from '../cli/act.js';
import type { EditOpts, ListOpts, RmOpts } from '../cli/register/memory.js';
import { parseMetaPairs } from '../memory/input.js';
import { renderMemory, renderMemoryList } from '../render/memory.js';
import { makeStyle, safe } from '../render/style.js';
import { intOption, readInput } from '../util/io.js';

export function list({ mem, term }: Cli, opts: ListOpts): void {
  const result = mem.memories.list({
    kind: opts.kind,
    tag: opts.tag,
    source: opts.source,
    scope: opts.scope,
    allScopes: Boolean(opts.allScopes),
    status: opts.status,
    after: opts.since ?? opts.after,
    before: opts.before,
    sort: opts.sort as 'created',
    order: opts.asc ? 'asc' : 'desc',
    page: intOption(opts.page, '--page', 1),
    perPage: intOption(opts.perPage, '--per-page', 1, 100),
    cursor: opts.cursor,
  });
  if (term.json) return term.outJson(result);
  term.out(renderMemoryList(makeStyle(term.color), result.data, result.meta, mem.world.now()));
}

export function show({ mem, term }: Cli, _opts: unknown, id: string): void {
  const m = mem.memories.get(id);
  if (term.json) return term.outJson(m);
  term.out(renderMemory(makeStyle(term.color), m));
}

export async function edit({ mem, term }: Cli, opts: EditOpts, id: string): Promise<void> {
  const m = mem.memories.edit(id, {
    content: opts.content === undefined ? undefined : opts.content === '-' ? await readInput('-') : opts.content,
    title: opts.title,
    tags: opts.tags,
    metadata: opts.meta === undefined ? undefined : parseMetaPairs(opts.meta),
  });
  if (term.json) return term.outJson(m);
  term.out(`updated ${m.id}${opts.content !== undefined && m.embedding_status === 'pending' ? ' (content changed: embedding_status pending)' : ''}`);
}

export function rm({ mem, term }: Cli, opts: RmOpts, id: string): void {
  const m = mem.memories.remove(id, { purge: Boolean(opts.purge) });
  if (term.json) return term.outJson({ id: m.id, purged: Boolean(opts.purge) });
  term.out(opts.purge ? `purged ${m.id} for good` : `deleted ${m.id} (kept in the audit trail; --purge removes it for good)`);
}

export function log({ mem, term }: Cli, _opts: unknown, id: string): void {
  const entries = mem.memories.log(id);
  if (term.json) return term.outJson({ id, entries });
  const s = makeStyle(term.color);
  for (const e of entries) {
    const fields = Object.keys(e.changes).length ? ` ${s.dim(safe(JSON.stringify(e.changes)).slice(0, 200))}` : '';
    term.out(`${s.dim(e.at)}  ${e.action.padEnd(7)}${fields}`);
  }
}
