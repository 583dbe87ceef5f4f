// What a store file is, and how it is: a mem store this mem can read, its integrity, journal mode,
// extensions. Used by backup and restore (to check a file before trusting it) and by the doctor.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { LATEST_VERSION } from './migrations.js';
import { ensureVec, openRaw, type Db } from './open.js';

export interface StoreCheck {
  ok: boolean;
  problem?: string;
  schema_version?: number;
}

/** Is this file a healthy mem store this mem can read? Opens it read-only; changes nothing. */
export function checkStore(path: string): StoreCheck {
  if (!existsSync(path)) return { ok: false, problem: 'no such file' };
  if (statSync(path).isDirectory()) return { ok: false, problem: 'a directory, not a file' };
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
    const problems = integrity(db);
    if (problems.length) return { ok: false, problem: `integrity check: ${problems.join('; ')}` };
    return { ok: true, schema_version: version };
  } catch (err) {
    return { ok: false, problem: (err as Error).message };
  } finally {
    db?.close();
  }
}

/**
 * The integrity check's findings (at most `max`), one per entry; empty when the file is sound.
 * SQLite may put several on one row, separated by newlines, after a "*** in database main ***"
 * heading: each finding becomes one line of its own.
 */
export function integrity(db: Db, max = 20): string[] {
  const rows = (db.pragma(`integrity_check(${Math.trunc(max)})`) as { integrity_check: string }[]).map((r) => r.integrity_check);
  if (rows.length === 1 && rows[0] === 'ok') return [];
  return rows
    .flatMap((r) => r.split('\n'))
    .map((l) => l.trim())
    .filter((l) => l && !/^\*\*\* in database \w+ \*\*\*$/.test(l));
}

/** Takes a copy out of WAL mode, so it is one self-contained file (no -wal, -shm beside it). */
export function makeSelfContained(path: string): void {
  const db = openRaw(path, { readonly: false });
  try {
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}

export function journalMode(db: Db): string {
  return String(db.pragma('journal_mode', { simple: true }));
}

/** Touches the schema, so a file that is not a database fails here rather than later. */
export function probeSchema(db: Db): void {
  db.prepare('SELECT COUNT(*) FROM sqlite_master').get();
}

export function vecVersion(db: Db): string {
  return (ensureVec(db).prepare('SELECT vec_version() AS v').get() as { v: string }).v;
}

export function hasFts5(db: Db): boolean {
  return Boolean((db.prepare("SELECT sqlite_compileoption_used('ENABLE_FTS5') AS f").get() as { f: number }).f);
}
