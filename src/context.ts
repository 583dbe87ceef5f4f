// The world a command sees: env, cwd, clock, streams, resolved config and a lazily opened store.
// Tests build one with a fixed clock and temp paths instead of mocking anything.
import type { Config } from './config/config.js';
import { loadConfig } from './config/config.js';
import { resolveDbPath } from './db/paths.js';
import { openDb, type Db } from './db/open.js';

export interface Ctx {
  env: NodeJS.ProcessEnv;
  cwd: string;
  now(): number;
  json: boolean;
  color: boolean;
  /** stdout is an interactive terminal (progress and prompts are allowed). */
  tty: boolean;
  stdinTty: boolean;
  config: Config;
  dbPath: string;
  db(): Db;
  out(text: string): void;
  outJson(value: unknown): void;
  err(text: string): void;
  close(): void;
  /** Forgets the store without closing it: the process is about to exit. */
  release(): void;
}

export interface GlobalFlags {
  db?: string;
  json?: boolean;
}

export async function createContext(flags: GlobalFlags, proc: NodeJS.Process = process): Promise<Ctx> {
  const env = proc.env;
  const cwd = proc.cwd();
  const config = loadConfig(env);
  const dbPath = resolveDbPath(env, cwd, flags.db);
  const tty = Boolean(proc.stdout.isTTY);
  const colorSetting = config.get<string>('output.color');
  const color = colorSetting === 'always' || (colorSetting === 'auto' && tty && !env.NO_COLOR && env.TERM !== 'dumb');
  let handle: Db | undefined;
  return {
    env,
    cwd,
    now: () => Date.now(),
    json: Boolean(flags.json),
    color,
    tty,
    stdinTty: Boolean(proc.stdin.isTTY),
    config,
    dbPath,
    db() {
      if (!handle) {
        handle = openDb(dbPath, { busyTimeoutMs: config.get<number>('store.busy_timeout_ms') });
      }
      return handle;
    },
    out: (text) => void proc.stdout.write(text.endsWith('\n') ? text : text + '\n'),
    outJson: (value) => void proc.stdout.write(JSON.stringify(value, null, 2) + '\n'),
    err: (text) => void proc.stderr.write(text.endsWith('\n') ? text : text + '\n'),
    close() {
      handle?.close();
      handle = undefined;
    },
    release() {
      // Closing the last connection checkpoints the WAL (~6 ms); a command that is about to exit
      // leaves that to SQLite's automatic checkpoints, which is just as safe.
      handle = undefined;
    },
  };
}

