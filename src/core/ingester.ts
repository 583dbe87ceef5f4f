// The background ingester (`mem __ingest --daemon`), started detached by the shell hooks: one per
// store by lock, silent, ingesting as soon as the spool changes, learning what it stored and
// refreshing the suggestion files, and leaving when idle. Before each tick it checks that its
// store is still the file at its path: after `mem restore` it writes to the restored store.
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { pruneSuggestions, writeSuggestions } from '../predict/suggest.js';
import { learnPending } from '../predict/learner.js';
import { tryLock } from '../shell/lock.js';
import { ingestPending } from '../shell/pending.js';
import { AGENT_SUFFIX, SPOOL_SUFFIX } from '../shell/spool.js';
import type { IngestReport } from '../shell/ingest.js';
import { syncDue } from '../sync/due.js';
import type { World } from './world.js';
import { makeDirs } from '../util/dirs.js';

const LEARN_CHUNK = 5000;

/**
 * Learns newly stored commands and refreshes the suggestion files of the sessions they came from.
 * Returns how many commands still wait. Failures are left for the next tick (and `mem doctor`).
 */
export function learnAndSuggest(world: World, max = LEARN_CHUNK): number {
  try {
    if (!world.storeExists()) return 0;
    const r = learnPending(world.db(), { now: world.now(), max, train: true, agents: world.config.get<boolean>('predict.include_agents') });
    if (world.paths.home) writeSuggestions(world.db(), world.paths.suggest, r.streams, world.now());
    return r.remaining;
  } catch (err) {
    if (world.env.MEM_DEBUG) process.stderr.write(`mem: learning failed: ${(err as Error).message}\n`);
    world.refresh();
    return 0;
  }
}

/** One pass, in the foreground: ingest (waiting briefly for the lock), then learn. */
export function ingestOnce(world: World, learnMax = LEARN_CHUNK): IngestReport | null {
  const report = ingestPending(world, 5000, { throwOnError: true });
  learnAndSuggest(world, learnMax);
  return report;
}

/** Runs until idle for `history.daemon_linger_s`, SIGTERM/SIGINT, or its lock file is removed. */
export async function runIngester(world: World): Promise<void> {
  const p = world.paths;
  if (p.home) pruneSuggestions(p.suggest, world.now());
  makeDirs(p.spool);
  const lock = tryLock(p.ingestLock);
  if (!lock) return; // one is already running
  const linger = world.config.get<number>('history.daemon_linger_s') * 1000;
  let idleSince = Date.now();
  let lastSync = 0;
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
      world.refresh(); // a restore swapped the file: use the restored store from now on
      // The lock holds our pid: hooks check it to decide whether to start another ingester.
      const report = ingestPending(world, 0, { lockHeld: true });
      const backlog = learnAndSuggest(world);
      // Team sync (sync.url set) runs in its own process: pg and the network stay out of this one.
      if (syncDue(world, lastSync)) {
        lastSync = Date.now();
        world.spawn(['sync', '--quiet']);
      }
      if (report?.added || report?.read || backlog) idleSince = Date.now();
      if (Date.now() - idleSince > linger || !existsSync(p.ingestLock)) return stop();
      // A learning backlog (after an import) is worked off in chunks, between spool events.
      timer = setTimeout(tick, backlog ? 0 : report ? 1000 : 2000); // slower retry after a failure
    };
    if (p.home) {
      try {
        watcher = watch(p.spool, (_event, name) => {
          // Only spool files are news: our own status writes in this directory must not wake us,
          // or every tick would schedule the next one at once.
          if (name && !String(name).endsWith(SPOOL_SUFFIX) && !String(name).endsWith(AGENT_SUFFIX)) return;
          clearTimeout(timer);
          timer = setTimeout(tick, 5);
        });
      } catch {
        // polling alone still works
      }
    }
    tick();
  });
}
