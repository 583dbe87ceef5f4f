// Runs the ingester in-process: from the detached `mem __ingest` the hooks start, and at the start
// of every command that reads history, so it always sees the latest commands.
import { readdirSync } from 'node:fs';
import type { Ctx } from '../context.js';
import { historyFilter } from './filters.js';
import { ingestSpool, writeStatus, type IngestReport } from './ingest.js';
import { waitLock } from './lock.js';
import { shellPaths } from './paths.js';
import { DONE_SUFFIX, SPOOL_SUFFIX } from './spool.js';

/**
 * Ingestion is safe without the lock (offsets and uids make it exactly-once); the lock only keeps
 * two processes from doing the same work. A reader that cannot get it quickly ingests anyway.
 */
export function ingestPending(ctx: Ctx, waitMs: number, opts: { throwOnError?: boolean; lockHeld?: boolean } = {}): IngestReport | null {
  const p = shellPaths(ctx.env);
  if (!hasSpool(p.spool)) return null; // nothing captured here yet: no lock, no status to write
  const lock = opts.lockHeld ? null : waitLock(p.lock, waitMs);
  try {
    const report = ingestSpool({
      db: ctx.db(),
      dbPath: ctx.dbPath,
      spoolDir: p.spool,
      filter: historyFilter(ctx.config),
      now: ctx.now(),
    });
    writeStatus(p.spool, { at: new Date(ctx.now()).toISOString(), ok: true, report });
    return report;
  } catch (err) {
    writeStatus(p.spool, { at: new Date(ctx.now()).toISOString(), ok: false, error: (err as Error).message });
    if (opts.throwOnError) throw err;
    return null;
  } finally {
    lock?.release();
  }
}

function hasSpool(dir: string): boolean {
  try {
    return readdirSync(dir).some((f) => f.endsWith(SPOOL_SUFFIX) || f.endsWith(DONE_SUFFIX));
  } catch {
    return false;
  }
}
