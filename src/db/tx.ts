// Write transactions. Every write that reads first goes through `writeTx`: it takes the write lock
// up front (BEGIN IMMEDIATE). A deferred transaction that reads and then writes fails at once with
// SQLITE_BUSY when another process committed in between (SQLite cannot wait there without risking
// a deadlock); an immediate one waits for the busy timeout instead, so concurrent writers (shells,
// agents, workers, servers) queue rather than fail.
import type { Db } from './open.js';

/** Runs `fn` in one IMMEDIATE transaction (a savepoint when already inside one). */
export function writeTx<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

/** A read snapshot: every query inside sees the same committed state, and takes no write lock. */
export function readTx<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).deferred();
}
