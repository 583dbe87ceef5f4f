// Online backups through SQLite's backup API (consistent while other processes write), checked
// before they are kept, rotated to the newest N; and restore, which checks first and swaps
// atomically.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readSync, openSync, closeSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { openRaw, type Db } from '../db/open.js';
import { LATEST_VERSION } from '../db/migrations.js';
import { MemError, UsageError } from '../errors.js';

const NAME = /^mem-(\d{8}T\d{9}Z)\.db$/;

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

export async function backup(db: Db, dir: string, keep: number, now: number): Promise<BackupReport> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, backupName(now));
  const tmp = `${path}.partial`;
  rmSync(tmp, { force: true });
  await db.backup(tmp);
  const check = checkStore(tmp);
  if (!check.ok) {
    rmSync(tmp, { force: true });
    throw new MemError(`backup failed its integrity check (${check.problem}); nothing kept`);
  }
  renameSync(tmp, path);
  const all = listBackups(dir);
  const removed = all.slice(0, Math.max(0, all.length - keep));
  for (const f of removed) rmSync(join(dir, f), { force: true });
  return { path, bytes: statSync(path).size, integrity: 'ok', kept: all.slice(removed.length).map((f) => join(dir, f)), removed: removed.map((f) => join(dir, f)) };
}

/** Backups in a directory, oldest first (their names sort by time). */
export function listBackups(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => NAME.test(f)).sort();
}

export interface StoreCheck {
  ok: boolean;
  problem?: string;
  schema_version?: number;
}

/** Is this file a healthy mem store this mem can read? Opens it read-only; changes nothing. */
export function checkStore(path: string): StoreCheck {
  if (!existsSync(path)) return { ok: false, problem: 'no such file' };
  const header = Buffer.alloc(16);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1') !== 'SQLite format 3\0') return { ok: false, problem: 'not an SQLite database' };
  let db: Db | undefined;
  try {
    db = openRaw(path, { readonly: true });
    const version = db.pragma('user_version', { simple: true }) as number;
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    if (!hasMeta || version < 1) return { ok: false, problem: 'an SQLite database, but not a mem store' };
    if (version > LATEST_VERSION) return { ok: false, problem: `schema version ${version} is newer than this mem (${LATEST_VERSION})` };
    const integrity = db.pragma('integrity_check', { simple: true }) as string;
    if (integrity !== 'ok') return { ok: false, problem: `integrity check: ${integrity}` };
    return { ok: true, schema_version: version };
  } catch (err) {
    return { ok: false, problem: (err as Error).message };
  } finally {
    db?.close();
  }
}

export interface RestoreReport {
  restored_from: string;
  store: string;
  previous_copy: string | null;
}

/**
 * Checks `file`, keeps a consistent copy of the current store, then swaps the file in with a
 * rename in the store's directory (atomic on POSIX).
 */
export async function restore(current: Db | null, storePath: string, file: string, copyDir: string, now: number): Promise<RestoreReport> {
  const check = checkStore(file);
  if (!check.ok) throw new UsageError(`cannot restore from ${file}: ${check.problem}; the current store is unchanged`, 'bad_backup');
  let previous: string | null = null;
  if (current) {
    mkdirSync(copyDir, { recursive: true, mode: 0o700 });
    previous = join(copyDir, `pre-restore-${basename(backupName(now))}`);
    await current.backup(previous);
    current.pragma('wal_checkpoint(TRUNCATE)');
    current.close();
  }
  const staging = join(dirname(storePath), `.${basename(storePath)}.restore-${process.pid}`);
  copyFileSync(file, staging);
  chmodSync(staging, 0o600);
  for (const suffix of ['-wal', '-shm']) rmSync(storePath + suffix, { force: true });
  renameSync(staging, storePath);
  return { restored_from: file, store: storePath, previous_copy: previous };
}
