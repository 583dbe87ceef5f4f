// Starting the background embedding worker after a write. Kept apart from the search helpers so
// that `mem add` loads nothing of the embedding stack.
import { join } from 'node:path';
import type { Ctx } from '../context.js';
import { dataDir } from '../db/paths.js';
import { lockOwner } from '../shell/lock.js';
import { spawnDetached } from '../util/spawn.js';
import { embedStatus } from '../memory/embed-status.js';

const RECHECK_MS = 10 * 60_000;

/** New or edited content waits as `pending`; a detached worker embeds it (no model load here). */
export function startEmbedWorker(ctx: Ctx): void {
  if (ctx.config.get<string>('embedding.provider') === 'none' || ctx.env.MEM_NO_WORKER) return;
  // A running worker claims new pending memories in its next batch: no second process needed.
  const owner = lockOwner(join(dataDir(ctx.env), 'embed.lock'));
  if (owner?.alive) return;
  // A worker that just found no model would find none again: don't start a process (which loads
  // the embedding runtime) on every add for nothing. `mem embed` clears this once a model is there.
  const status = embedStatus(ctx.env);
  if (status?.unavailable && ctx.now() - Date.parse(status.at) < RECHECK_MS) return;
  spawnDetached(['embed', '--worker'], ctx.env);
}
