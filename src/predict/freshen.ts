// Brings the prediction statistics up to date before a command reads them: pending spool records
// are ingested, and a small backlog of commands is learned inline; a big one (after an import) is
// left to the background ingester, which learns it without making anyone wait.
import type { Ctx } from '../context.js';
import { ingestPending } from '../shell/pending.js';
import { spawnDetached } from '../util/spawn.js';
import { learnPending } from './learner.js';

const INLINE = 300;

export function freshen(ctx: Ctx): { remaining: number } {
  ingestPending(ctx, 0);
  const r = learnPending(ctx.db(), { now: ctx.now(), max: INLINE, train: true });
  if (r.remaining > 0) spawnDetached(['__ingest', '--daemon'], ctx.env);
  return { remaining: r.remaining };
}
