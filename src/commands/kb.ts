import type { Ctx } from '../context.js';
import { kbMemories } from '../memory/kb.js';
import { resolveScope } from '../memory/scope.js';
import { MemoryStore } from '../memory/store.js';
import { startEmbedWorker } from './embed-worker.js';

/** Loads the starter set into the scope; identical entries are not added twice. */
export function seed(ctx: Ctx, opts: Record<string, unknown>): void {
  const scope = resolveScope(opts.scope, ctx.env, ctx.cwd);
  const results = new MemoryStore(ctx.db()).add(kbMemories().map((m) => ({ ...m, scope })), ctx.now());
  const added = results.filter((r) => r.created).length;
  if (added) startEmbedWorker(ctx);
  if (ctx.json) return ctx.outJson({ scope, added, already_present: results.length - added });
  ctx.out(`seeded ${added} memories into scope ${scope} (${results.length - added} already present)`);
}
