// `mem __ingest`: started detached by the shell hooks. Silent. With --daemon it stays a while,
// single-instance by lock, ingesting as soon as the spool changes, and leaves when idle.
import { existsSync, mkdirSync, watch, type FSWatcher } from 'node:fs';
import type { Ctx } from '../context.js';
import { ingestPending } from '../shell/pending.js';
import { tryLock } from '../shell/lock.js';
import { shellPaths } from '../shell/paths.js';
import { SPOOL_SUFFIX } from '../shell/spool.js';
import { learnPending } from '../predict/learner.js';
import { pruneSuggestions, writeSuggestions } from '../predict/suggest.js';

const LEARN_CHUNK = 5000;

/**
 * Learns newly stored commands and refreshes the suggestion files of the sessions they came from.
 * Returns how many commands still wait. Failures are left for the next tick (and `mem doctor`).
 */
function learnAndSuggest(ctx: Ctx, max: number): number {
  try {
    const r = learnPending(ctx.db(), { now: ctx.now(), max, train: true });
    writeSuggestions(ctx.db(), shellPaths(ctx.env).dataDir, r.streams, ctx.now());
    return r.remaining;
  } catch (err) {
    if (ctx.env.MEM_DEBUG) ctx.err(`mem: learning failed: ${(err as Error).message}`);
    return 0;
  }
}

export async function run(ctx: Ctx, opts: Record<string, unknown>): Promise<void> {
  if (!opts.daemon) {
    const report = ingestPending(ctx, 5000, { throwOnError: true });
    learnAndSuggest(ctx, opts.learnAll ? Infinity : LEARN_CHUNK);
    if (ctx.json) ctx.outJson(report);
    return;
  }
  pruneSuggestions(shellPaths(ctx.env).dataDir, ctx.now());
  const p = shellPaths(ctx.env);
  mkdirSync(p.spool, { recursive: true, mode: 0o700 });
  const lock = tryLock(p.lock);
  if (!lock) return; // one is already running
  const linger = ctx.config.get<number>('history.daemon_linger_s') * 1000;
  let idleSince = Date.now();
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  await new Promise<void>((done) => {
    const stop = () => {
      watcher?.close();
      clearTimeout(timer);
      lock.release();
      done();
    };
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, stop);
    process.on('SIGHUP', () => {}); // the terminal closing is no reason to stop early
    const tick = () => {
      clearTimeout(timer);
      // The lock holds our pid: hooks check it to decide whether to start another ingester.
      const report = ingestPending(ctx, 0, { lockHeld: true });
      const backlog = learnAndSuggest(ctx, LEARN_CHUNK);
      if (report?.added || report?.read || backlog) idleSince = Date.now();
      if (Date.now() - idleSince > linger || !existsSync(p.lock)) return stop();
      // A learning backlog (after an import) is worked off in chunks, between spool events.
      timer = setTimeout(tick, backlog ? 0 : report ? 1000 : 2000); // slower retry after a failure
    };
    try {
      watcher = watch(p.spool, (_event, name) => {
        // Only spool files are news: our own status writes in this directory must not wake us,
        // or every tick would schedule the next one at once.
        if (name && !String(name).endsWith(SPOOL_SUFFIX)) return;
        clearTimeout(timer);
        timer = setTimeout(tick, 5);
      });
    } catch {
      // polling alone still works
    }
    tick();
  });
}
