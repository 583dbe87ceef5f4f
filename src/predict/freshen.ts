// Brings the prediction statistics up to date before a command reads them: pending spool records
// are ingested, and a small backlog of commands (the live case: what was typed since the last
// ingest) is learned inline. A big one (after an import) is left to the background ingester, which
// learns it without making anyone wait; meanwhile answers come from what is already learned.
import type { Ctx } from '../context.js';
import { lockOwner } from '../shell/lock.js';
import { ingestPending } from '../shell/pending.js';
import { shellPaths } from '../shell/paths.js';
import { spawnDetached } from '../util/spawn.js';
import { learnPending, pendingCount } from './learner.js';

const INLINE = 300;

export function freshen(ctx: Ctx): { remaining: number } {
  ingestPending(ctx, 0);
  const pending = pendingCount(ctx.db());
  if (pending === 0) return { remaining: 0 };
  if (pending <= INLINE) {
    learnPending(ctx.db(), { now: ctx.now(), train: true });
    return { remaining: 0 };
  }
  if (!lockOwner(shellPaths(ctx.env).lock)?.alive) spawnDetached(['__ingest', '--daemon'], ctx.env);
  return { remaining: pending };
}
