// Shared by the memory commands: starting the embedding worker after a write, and parsing
// list/search filters.
import type { Ctx } from '../context.js';
import { spawnDetached } from '../util/spawn.js';

/** New or edited content waits as `pending`; a detached worker embeds it (no model load here). */
export function startEmbedWorker(ctx: Ctx): void {
  if (ctx.config.get<string>('embedding.provider') === 'none' || ctx.env.MEM_NO_WORKER) return;
  spawnDetached(['embed', '--worker'], ctx.env);
}
