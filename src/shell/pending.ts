// Runs the ingester in-process: from the detached `mem __ingest` the hooks start, and at the start
// of every command that reads history, so it always sees the latest commands. The spool belongs to
// the home store: a store named with --db elsewhere never takes (or retires) its records.
import { readdirSync } from 'node:fs';
import type { World } from '../core/world.js';
import { historyFilter, noteTimeouts } from './filters.js';
import { ingestSpool, writeStatus, type IngestReport } from './ingest.js';
import { waitLock } from './lock.js';
import { AGENT_SUFFIX, DONE_SUFFIX, SPOOL_SUFFIX } from './spool.js';
import { shellUpkeep } from './upkeep.js';

/**
 * Ingestion is safe without the lock (offsets and uids make it exactly-once); the lock only keeps
 * two processes from doing the same work. A reader that cannot get it quickly ingests anyway.
 */
export function ingestPending(world: World, waitMs: number, opts: { throwOnError?: boolean; lockHeld?: boolean } = {}): IngestReport | null {
  const p = world.paths;
  if (!p.home) return null; // nothing captured for this store
  shellUpkeep(world, world.now());
  if (!hasSpool(p.spool)) return null; // nothing captured yet: no lock, no status to write
  const lock = opts.lockHeld ? null : waitLock(p.ingestLock, waitMs);
  const filter = historyFilter(world.config);
  try {
    const report = ingestSpool({
      db: world.db(),
      dbPath: p.store,
      spoolDir: p.spool,
      filter,
      now: world.now(),
    });
    writeStatus(p.spool, { at: new Date(world.now()).toISOString(), ok: true, report });
    return report;
  } catch (err) {
    writeStatus(p.spool, { at: new Date(world.now()).toISOString(), ok: false, error: (err as Error).message });
    if (opts.throwOnError) throw err;
    return null;
  } finally {
    noteTimeouts(p.spool, filter, world.now()); // the doctor tells the user which pattern ran away
    lock?.release();
  }
}

function hasSpool(dir: string): boolean {
  try {
    return readdirSync(dir).some((f) => f.endsWith(SPOOL_SUFFIX) || f.endsWith(DONE_SUFFIX) || f.endsWith(AGENT_SUFFIX));
  } catch {
    return false;
  }
}
