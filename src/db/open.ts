// The one place a store is opened: directory 0700, file 0600, WAL, synchronous=NORMAL, a busy
// timeout, secure_delete, sqlite-vec, and migrations up to LATEST_VERSION.
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { knownError, MemError } from '../errors.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import { makeDirs } from '../util/dirs.js';
import { randomUuid } from '../util/ids.js';

export type Db = Database.Database;

export interface OpenOptions {
  busyTimeoutMs?: number;
  /** Open an existing file without creating or migrating it (doctor, restore checks). */
  inspectOnly?: boolean;
  /** Another database's migrations (the server's user registry) instead of a store's. */
  schema?: readonly Migration[];
}

// better-sqlite3's JavaScript is bundled (loading its dozen files costs ~10 ms); its native addon
// is found here, once, rather than by the `bindings` package's search of many paths: first where a
// checkout or a global install keeps it (beside dist/, one stat), then by module resolution (~3 ms).
const ADDON = 'better-sqlite3/build/Release/better_sqlite3.node';
let nativeBindingPath: string | undefined;
function nativeBinding(): string {
  if (nativeBindingPath) return nativeBindingPath;
  const beside = join(dirname(dirname(fileURLToPath(import.meta.url))), 'node_modules', ADDON);
  return (nativeBindingPath = existsSync(beside) ? beside : createRequire(import.meta.url).resolve(ADDON));
}

export function openDb(path: string, opts: OpenOptions = {}): Db {
  // ':memory:' is an empty store that lives only in this process (reading a home store not created yet).
  const memory = path === ':memory:';
  if (!memory && !opts.inspectOnly) ensureFile(path);
  if (!memory && opts.inspectOnly && !existsSync(path)) throw new MemError(`no store at ${path}`);
  let db: Db;
  try {
    db = memory ? new Database(path, { nativeBinding: nativeBinding() }) : openRaw(path, { readonly: false });
    db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5000)}`);
    secureDelete(db);
    if (!opts.inspectOnly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
  } catch (err) {
    throw describeSqliteError(err, path);
  }
  if (!opts.inspectOnly) migrate(db, path, opts.schema);
  return db;
}

function ensureFile(path: string): void {
  const dir = dirname(path);
  try {
    if (!existsSync(dir)) makeDirs(dir);
    if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  } catch (err) {
    throw new MemError(`cannot create the store at ${path}: ${(err as Error).message}`);
  }
}

/** An SQLite database held in memory from a file's bytes, read-only (importing another tool's database). */
export function openImage(image: Buffer): Db {
  return new Database(image, { readonly: true, nativeBinding: nativeBinding() });
}

/** An SQLite connection to an existing file, with no pragmas or migrations but secure_delete (checks, backups). */
export function openRaw(path: string, opts: { readonly: boolean }): Db {
  const db = new Database(path, { fileMustExist: true, readonly: opts.readonly, nativeBinding: nativeBinding() });
  if (!opts.readonly) secureDelete(db);
  return db;
}

/**
 * What is deleted is gone from disk: SQLite overwrites deleted rows and freed pages with zeros
 * (without it, a pruned secret stays readable in free space and in every later backup, which
 * copies pages as they are). A per-connection setting, so every connection sets it. FAST would
 * leave freed pages as they were: ON is what keeps them clean.
 */
function secureDelete(db: Db): void {
  db.pragma('secure_delete = ON');
}

/**
 * After a deletion meant to be final (prune, purge): copies the WAL into the file (whose pages
 * then hold the zeroed versions) and truncates the WAL to nothing, so the old page images it held
 * are not left in the -wal file. Returns false when a reader kept it from completing (SQLite's
 * next checkpoints finish the job).
 */
export function checkpointTruncate(db: Db): boolean {
  if (db.memory) return true;
  try {
    const [r] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
    return !r || r.busy === 0;
  } catch {
    return false;
  }
}

const withVec = new WeakSet<Db>();

/**
 * Loads sqlite-vec into a connection, once. Only commands that touch vector tables call it: the
 * extension costs ~4 ms to load, and most commands never need it.
 */
export function ensureVec(db: Db): Db {
  if (withVec.has(db)) return db;
  try {
    const vec = createRequire(import.meta.url)('sqlite-vec') as { load(db: Db): void };
    vec.load(db);
    withVec.add(db);
  } catch (err) {
    if (process.env.MEM_DEBUG) process.stderr.write(`mem: sqlite-vec not loaded: ${(err as Error).message}\n`);
  }
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db, path: string, schema?: readonly Migration[]): void {
  const migrations = schema ?? MIGRATIONS;
  const latest = migrations[migrations.length - 1]!.version;
  let version: number;
  try {
    version = schemaVersion(db);
  } catch (err) {
    throw describeSqliteError(err, path);
  }
  if (version > latest) {
    throw new MemError(
      `the ${schema ? 'database' : 'store'} at ${path} has schema version ${version}, written by a newer mem (this one knows up to ${latest}); upgrade mem`,
      1,
      'store_too_new',
    );
  }
  if (version === latest) return;
  if (!schema) ensureVec(db); // migrations create vec0 tables
  try {
    // IMMEDIATE takes the write lock first, so two processes starting at once migrate once.
    db.transaction(() => {
      const current = schemaVersion(db);
      for (const m of migrations) {
        if (m.version <= current) continue;
        db.exec(m.sql);
        if (m.version === 1 && !schema) db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('store_id', randomUuid());
        db.pragma(`user_version = ${m.version}`);
      }
    }).immediate();
  } catch (err) {
    throw describeSqliteError(err, path);
  }
}

/** Turns SQLite's failures into one-line messages a user can act on. */
export function describeSqliteError(err: unknown, path: string): Error {
  return knownError(err, path) ?? (err as Error);
}

export function storeId(db: Db): string {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'store_id'").get() as { value: string } | undefined;
  return row?.value ?? 'unknown';
}
