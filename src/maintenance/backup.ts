// Online backups through SQLite's backup API (consistent while other processes write), checked
// before they are kept, rotated to the newest N, private (0600) and without litter; and restore,
// which checks the backup first and then copies it into the live store through the same API, so
// shells, workers and servers that have the store open simply see the restored content.
import { chmodSync, closeSync, copyFileSync, existsSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { checkStore, makeSelfContained } from '../db/health.js';
import { openRaw, type Db } from '../db/open.js';
import { knownError, MemError, UsageError } from '../errors.js';
import { makeDirs } from '../util/dirs.js';

const NAME = /^mem-(\d{8}T\d{9}Z)\.db$/;
const PRE_RESTORE = /^pre-restore-mem-(\d{8}T\d{9}Z)\.db$/;
/** Copies of the store taken before a restore that are kept (the newest). */
const KEEP_PRE_RESTORE = 3;
/** SQLite's companions of a database file, removed with it. */
const COMPANIONS = ['', '-journal', '-wal', '-shm'];

export function backupName(now: number): string {
  return `mem-${new Date(now).toISOString().replace(/[-:.]/g, '')}.db`; // mem-20261122T021656123Z.db
}

export interface BackupReport {
  path: string;
  bytes: number;
  integrity: string;
  kept: string[];
  removed: string[];
}

function removeWithCompanions(path: string): void {
  for (const s of COMPANIONS) rmSync(path + s, { force: true });
}

/**
 * A consistent copy of the live store at `path`: created 0600 before SQLite writes into it, then
 * switched out of WAL mode so it is one self-contained file. On any failure nothing is left behind.
 */
async function copyStore(db: Db, path: string): Promise<void> {
  removeWithCompanions(path);
  try {
    closeSync(openSync(path, 'w', 0o600));
    await db.backup(path);
    makeSelfContained(path);
    chmodSync(path, 0o600);
  } catch (err) {
    removeWithCompanions(path);
    throw knownError(err, path) ?? err;
  }
}

export async function backup(db: Db, dir: string, keep: number, now: number): Promise<BackupReport> {
  makeDirs(dir);
  const path = join(dir, backupName(now));
  const tmp = `${path}.partial`;
  await copyStore(db, tmp);
  const check = checkStore(tmp);
  if (!check.ok) {
    removeWithCompanions(tmp);
    throw new MemError(`backup failed its integrity check (${check.problem}); nothing kept`);
  }
  renameSync(tmp, path);
  const { kept, removed } = rotate(dir, NAME, keep);
  return { path, bytes: statSync(path).size, integrity: 'ok', kept, removed };
}

/** Keeps the newest `keep` files matching `pattern` (their names sort by time). */
function rotate(dir: string, pattern: RegExp, keep: number): { kept: string[]; removed: string[] } {
  const all = readdirSync(dir).filter((f) => pattern.test(f)).sort();
  const removed = all.slice(0, Math.max(0, all.length - keep));
  for (const f of removed) rmSync(join(dir, f), { force: true });
  return { kept: all.slice(removed.length).map((f) => join(dir, f)), removed: removed.map((f) => join(dir, f)) };
}

/** Backups in a directory, oldest first (their names sort by time). */
export function listBackups(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => NAME.test(f)).sort();
}

export { checkStore, type StoreCheck } from '../db/health.js';

export interface RestoreReport {
  restored_from: string;
  store: string;
  /** A copy of the store as it was before, kept in the backup directory (null: there was none). */
  previous_copy: string | null;
  /** Where a corrupt store was moved aside (null: it was healthy, or absent). */
  corrupt_store_kept: string | null;
}

/**
 * Checks `file`, keeps a copy of the current store, then puts the backup's content in place.
 *
 * A healthy current store is overwritten through SQLite's backup API, in one write transaction on
 * the live file: processes that have it open (the shell ingester, the embedding worker, a server)
 * see the restored content at their next statement and go on writing into it; nothing they write
 * after the restore is lost. A store that cannot be opened (corrupt, truncated, not a database) is
 * moved aside and the backup is copied into its place with an atomic rename.
 */
export async function restore(storePath: string, file: string, copyDir: string, now: number): Promise<RestoreReport> {
  const check = checkStore(file);
  if (!check.ok) throw new UsageError(`cannot restore from ${file}: ${check.problem}; the current store is unchanged`, 'bad_backup');
  const report: RestoreReport = { restored_from: file, store: storePath, previous_copy: null, corrupt_store_kept: null };
  const current = existsSync(storePath) ? checkStore(storePath) : null;
  if (current?.ok) {
    makeDirs(copyDir);
    const live = openRaw(storePath, { readonly: false });
    try {
      report.previous_copy = join(copyDir, `pre-restore-${backupName(now)}`);
      await copyStore(live, report.previous_copy);
      rotate(copyDir, PRE_RESTORE, KEEP_PRE_RESTORE);
    } finally {
      live.close();
    }
    const source = openRaw(file, { readonly: true });
    try {
      await source.backup(storePath);
      return report;
    } catch (err) {
      // A page size the live WAL store cannot change to: fall back to swapping the file.
      if (!/readonly|page size/i.test((err as Error).message)) throw knownError(err, storePath) ?? err;
    } finally {
      source.close();
    }
  } else if (current) {
    report.corrupt_store_kept = `${storePath}.corrupt-${backupName(now).slice(4, -3)}`;
    for (const s of COMPANIONS) if (existsSync(storePath + s)) renameSync(storePath + s, report.corrupt_store_kept + s);
  }
  swapIn(storePath, file);
  return report;
}

/** Copies `file` beside the store (0600) and renames it over the store path, WAL companions first removed. */
function swapIn(storePath: string, file: string): void {
  makeDirs(dirname(storePath));
  const staging = join(dirname(storePath), `.${basename(storePath)}.restore-${process.pid}`);
  try {
    copyFileSync(file, staging);
    chmodSync(staging, 0o600);
    for (const suffix of ['-wal', '-shm']) rmSync(storePath + suffix, { force: true });
    renameSync(staging, storePath);
  } catch (err) {
    removeWithCompanions(staging);
    throw knownError(err, storePath) ?? err;
  }
}
