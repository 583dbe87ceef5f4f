import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Store location: --db, then MEM_DB, then $MEM_HOME/mem.db, then XDG data dir, then ~/.local/share. */
export function resolveDbPath(env: NodeJS.ProcessEnv, cwd: string, flag?: string): string {
  if (flag) return resolve(cwd, flag);
  if (env.MEM_DB) return resolve(cwd, env.MEM_DB);
  return join(dataDir(env), 'mem.db');
}

/** mem's data directory (spool, locks, backups live beside the store by default). */
export function dataDir(env: NodeJS.ProcessEnv): string {
  if (env.MEM_HOME) return resolve(env.MEM_HOME);
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'mem');
  return join(env.HOME || homedir(), '.local', 'share', 'mem');
}
