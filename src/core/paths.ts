// Every path mem uses, resolved once from the environment, the config and the --db flag. Domain
// code reads these fields and never recomputes a location.
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { configPath } from '../config/config.js';

export interface Paths {
  /** The SQLite store. */
  store: string;
  /**
   * The store is the home store: the one the shell hooks' spool belongs to. A store named with
   * --db elsewhere never ingests (or deletes) the spool, and keeps its own worker lock.
   */
  home: boolean;
  /**
   * The store was named (--db or MEM_DB). Reading a named store that does not exist is a usage
   * error; the default home store not created yet reads as empty.
   */
  named: boolean;
  /** mem's data directory ($MEM_HOME, else $XDG_DATA_HOME/mem, else ~/.local/share/mem). */
  dataDir: string;
  /** Where the hooks append records, one file per shell session. */
  spool: string;
  /** The hooks' per-shell scratch files (bash reads its history line back from one, fish its clock). */
  run: string;
  /** The generated init scripts rc files source (`mem init --install`), and their stamp. */
  init: string;
  /** The background ingester's single-instance lock (per store: the hooks check the home one). */
  ingestLock: string;
  /** The background embedding worker's single-instance lock (per store). */
  embedLock: string;
  /** Why embedding is unavailable, remembered between commands (per machine). */
  embedStatus: string;
  /** Prediction files the shell reads at the prompt, one per session. */
  suggest: string;
  /** Where `mem backup` writes and `mem restore` keeps the previous store. */
  backups: string;
  /** The configuration file. */
  config: string;
  /** Named bundles (`POST /save`, `POST /load`): a directory beside the store; only names are given, never paths. */
  bundles: string;
  /** The registry of `mem serve` users (names and token hashes), beside the home store. */
  registry: string;
  /** Where each server user's own store lives: `<users>/<name>/mem.db`. */
  users: string;
}

/** mem's data directory (spool, locks, backups live beside the home store by default). */
export function dataDir(env: NodeJS.ProcessEnv): string {
  if (env.MEM_HOME) return resolve(env.MEM_HOME);
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'mem');
  return join(env.HOME || homedir(), '.local', 'share', 'mem');
}

/** The store the hooks feed: MEM_DB, else $MEM_HOME/mem.db (the --db flag never changes it). */
export function homeStore(env: NodeJS.ProcessEnv, cwd: string): string {
  return env.MEM_DB ? resolve(cwd, env.MEM_DB) : join(dataDir(env), 'mem.db');
}

export interface PathInputs {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The --db flag (a path relative to cwd), if given. */
  db?: string;
  /** The backup.dir setting ('' for the default). */
  backupDir?: string;
}

export function resolvePaths(i: PathInputs): Paths {
  const data = dataDir(i.env);
  const home = homeStore(i.env, i.cwd);
  const store = i.db ? resolve(i.cwd, i.db) : home;
  const isHome = store === home;
  return {
    store,
    home: isHome,
    named: Boolean(i.db || i.env.MEM_DB),
    dataDir: data,
    spool: join(data, 'spool'),
    run: join(data, 'run'),
    init: join(data, 'init'),
    ingestLock: isHome ? join(data, 'ingest.lock') : `${store}.ingest.lock`,
    embedLock: isHome ? join(data, 'embed.lock') : `${store}.embed.lock`,
    embedStatus: join(data, 'embed.status.json'),
    suggest: join(data, 'suggest'),
    backups: i.backupDir ? resolve(i.cwd, i.backupDir) : join(dirname(store), 'backups'),
    config: configPath(i.env),
    bundles: join(dirname(store), 'bundles'),
    registry: join(data, 'server', 'users.db'),
    users: join(data, 'users'),
  };
}
