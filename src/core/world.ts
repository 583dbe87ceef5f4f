// The world domain code runs in: environment, working directory, clock, configuration, resolved
// paths and the store. It holds no output: stdout, colour and TTYs belong to front ends. Tests
// build one with a fixed clock and temp paths instead of mocking anything.
import { existsSync, statSync } from 'node:fs';
import { loadConfig, type Config } from '../config/config.js';
import { openDb, type Db } from '../db/open.js';
import { UsageError } from '../errors.js';
import { spawnMem } from '../util/spawn.js';
import { resolvePaths, type Paths } from './paths.js';

export interface World {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly config: Config;
  readonly paths: Paths;
  now: () => number;
  /** The store, created and migrated on first use: for commands that write. */
  db(): Db;
  /**
   * The store for reading; never creates one. A store named with --db or MEM_DB that does not
   * exist is a usage error; a home store not created yet reads as empty (an in-memory store).
   */
  readDb(): Db;
  /** Does the store file exist? */
  storeExists(): boolean;
  /**
   * Reopens the store when the file at its path is no longer the one open (a restore swapped it).
   * Long-running processes call it before each unit of work; returns true when it reopened.
   */
  refresh(): boolean;
  /** Starts `mem ARGS` detached, on this store (background workers). */
  spawn(args: string[]): void;
  close(): void;
  /** Forgets the store without closing it: the process is about to exit. */
  release(): void;
  /**
   * Long-running front ends (mem serve, mem mcp) batch the bookkeeping of reads (a memory's
   * accessed_at) instead of writing once per read; see memories.get.
   */
  readonly batchReads: boolean;
  /** Runs `fn` before the store is closed (to write what was batched). */
  beforeClose(fn: () => void): void;
}

export interface WorldOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The store to use instead of the home store (a path, relative to cwd). */
  db?: string;
  now?: () => number;
  /** Configuration values that win over file and environment (`{'backup.keep': 3}`). */
  settings?: Record<string, unknown>;
  /** See World.batchReads: for processes that serve many reads. */
  batchReads?: boolean;
}

export function createWorld(o: WorldOptions = {}): World {
  const env = o.env ?? process.env;
  const cwd = o.cwd ?? process.cwd();
  const config = loadConfig(env, o.settings);
  const paths = resolvePaths({ env, cwd, db: o.db, backupDir: config.get<string>('backup.dir') });
  const busyTimeoutMs = config.get<number>('store.busy_timeout_ms');
  let handle: Db | undefined;
  let inode: number | undefined;
  const closing: (() => void)[] = [];
  const open = (): Db => {
    handle = openDb(paths.store, { busyTimeoutMs });
    inode = inodeOf(paths.store);
    return handle;
  };
  const world: World = {
    env,
    cwd,
    config,
    paths,
    now: o.now ?? (() => Date.now()),
    // A read before the store existed left an empty in-memory stand-in: a write opens (and
    // creates) the real store instead, so a long-running process never writes into the stand-in.
    db: () => (handle && !handle.memory ? handle : (handle?.close(), open())),
    readDb() {
      if (handle) return handle;
      if (existsSync(paths.store)) return open();
      if (paths.named) throw noStore(paths.store);
      handle = openDb(':memory:', { busyTimeoutMs });
      return handle;
    },
    storeExists: () => existsSync(paths.store),
    refresh() {
      if (!handle) return false;
      if (handle.memory) {
        // The stand-in for a store not created yet: once another process has created it, read it.
        if (!existsSync(paths.store)) return false;
        world.close();
        return true;
      }
      const now = inodeOf(paths.store);
      if (now === inode) return false;
      world.close();
      return true;
    },
    spawn: (args) => spawnMem(paths.home ? args : ['--db', paths.store, ...args], env),
    close() {
      if (handle) for (const fn of closing) fn();
      handle?.close();
      handle = undefined;
    },
    release() {
      // Closing the last connection checkpoints the WAL (~6 ms); a process that is about to exit
      // leaves that to SQLite's automatic checkpoints, which is just as safe.
      handle = undefined;
    },
    batchReads: o.batchReads ?? false,
    beforeClose: (fn) => void closing.push(fn),
  };
  return world;
}

/** What a command that only reads says about a named store that does not exist. */
export function noStore(path: string): UsageError {
  return new UsageError(`no store at ${path} (nothing is created by a command that only reads)`, 'no_store');
}

function inodeOf(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}
