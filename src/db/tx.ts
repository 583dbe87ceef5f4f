// Write transactions. Every write that reads first goes through `writeTx`: it takes the write lock
// up front (BEGIN IMMEDIATE). A deferred transaction that reads and then writes fails at once with
// SQLITE_BUSY when another process committed in between (SQLite cannot wait there without risking
// a deadlock); an immediate one waits for the lock instead, so concurrent writers (shells, agents,
// workers, servers) queue rather than fail.
//
// Waiting is polling, so two things keep waits short. writeTx polls for the lock itself, every few
// milliseconds, rather than through SQLite's busy handler, which sleeps 100 ms between tries once
// it has waited a while: a long job that leaves the lock free for a moment between two of its
// transactions would starve a writer that only looks every 100 ms. And long jobs (learning what
// was captured or imported, importing a history) run in slices (`inSlices`): transactions of about
// SLICE_MS, each followed by a pause with the lock free, prolonged while other writers are using
// it. A `mem add` next to the learning of a 100,000-command import waits about one slice, not the
// whole job.
import type { Db } from './open.js';

/** A monotonic clock in ms. (The global `performance` loads perf_hooks on first use: ~3 ms of a `mem add`.) */
const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** The longest a slice of a long job holds the write lock (wall clock: a loaded machine shortens slices). */
export const SLICE_MS = 200;
/** The lock is left free this long after each slice; longer while other writers commit in the pause. */
export const PAUSE_MS = 10;
/** A long job yields at most this long in one pause, however busy the others are: it gets half the time. */
const MAX_YIELD_MS = SLICE_MS;

const busyTimeouts = new WeakMap<Db, number>();

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * BEGIN IMMEDIATE, waiting for the write lock up to the connection's busy timeout by polling every
 * few milliseconds (see the top of this file). Past the timeout, SQLite's SQLITE_BUSY error is
 * thrown as it is (knownError makes it the one-line "store busy").
 */
function beginImmediate(db: Db, waitMs?: number): void {
  let timeout = busyTimeouts.get(db);
  if (timeout === undefined) busyTimeouts.set(db, (timeout = db.pragma('busy_timeout', { simple: true }) as number));
  const until = nowMs() + Math.min(timeout, waitMs ?? timeout);
  db.pragma('busy_timeout = 0');
  try {
    for (let i = 0; ; i++) {
      try {
        db.exec('BEGIN IMMEDIATE');
        return;
      } catch (err) {
        if (!isBusy(err) || nowMs() >= until) throw err;
      }
      // 0.5 to 7.5 ms, jittered so that waiting processes do not retry in step.
      pauseSync(Math.min(until - nowMs(), (1 + Math.min(i, 4)) * (0.5 + Math.random())));
    }
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}

/**
 * Runs `fn` in one IMMEDIATE transaction (a savepoint when already inside one). `waitMs` waits
 * less than the busy timeout for the lock (0: take it only if it is free now).
 */
export function writeTx<T>(db: Db, fn: () => T, o: { waitMs?: number } = {}): T {
  if (db.inTransaction) return db.transaction(fn)();
  beginImmediate(db, o.waitMs);
  try {
    const r = fn();
    db.exec('COMMIT');
    return r;
  } catch (err) {
    try {
      if (db.inTransaction) db.exec('ROLLBACK');
    } catch {
      // the error that stopped the transaction is the one to report
    }
    throw err;
  }
}

/** A read snapshot: every query inside sees the same committed state, and takes no write lock. */
export function readTx<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).deferred();
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread for `ms` (the long jobs are synchronous, as better-sqlite3 is). */
export function pauseSync(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * Leaves the lock free for PAUSE_MS, and for as long after as other writers keep committing (up to
 * MAX_YIELD_MS): those waiting go first.
 */
function yieldLock(db: Db, pauseMs: number): void {
  const version = () => db.pragma('data_version', { simple: true }) as number;
  const until = nowMs() + MAX_YIELD_MS;
  let seen = version();
  do {
    pauseSync(pauseMs);
    const now = version();
    if (now === seen) return;
    seen = now;
  } while (nowMs() < until);
}

/**
 * Runs a long job as a series of write transactions of about `sliceMs` each, yielding the lock
 * between them. `slice(hasTime)` does one transaction's work, checking `hasTime()` between units
 * of work (a row or a few: a slice overruns by at most one), and returns whether work remains.
 * Whatever a slice reads to decide what to write, it reads inside its transaction: another process
 * may have moved on in the pause. Inside an enclosing transaction the job runs whole, in it.
 */
export function inSlices(db: Db, slice: (hasTime: () => boolean) => boolean, o: { sliceMs?: number; pauseMs?: number } = {}): void {
  if (db.inTransaction) {
    while (slice(() => true));
    return;
  }
  const sliceMs = o.sliceMs ?? SLICE_MS;
  for (;;) {
    const more = writeTx(db, () => {
      const until = nowMs() + sliceMs;
      return slice(() => nowMs() < until);
    });
    if (!more) return;
    yieldLock(db, o.pauseMs ?? PAUSE_MS);
  }
}
