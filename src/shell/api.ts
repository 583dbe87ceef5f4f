// Shell history in the core API: what the hooks captured, imports of existing histories, and the
// shell integration scripts. Every read first takes in what the hooks spooled (home store only).
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { World } from '../core/world.js';
import { InputError, intIn, UsageError } from '../errors.js';
import { memBin } from '../util/spawn.js';
import { historyFilter } from './filters.js';
import { FORMAT_NAMES, type HistoryFormatName } from './import/index.js';
import { importHistory, type ImportHistoryReport } from './import-history.js';
import type { IngestReport } from './ingest.js';
import { initScript, install, parseShell, type Shell } from './init.js';
import { ingestPending } from './pending.js';
import { ShellStore, type HistoryRow } from './store/commands.js';
import { shellStats, type ShellStats } from './store/stats.js';

export { FORMAT_NAMES };
export type HistoryFormat = HistoryFormatName;
export type { HistoryRow, ImportHistoryReport, IngestReport, Shell, ShellStats };

export interface HistoryQuery {
  session?: string;
  /** Only commands run in this directory (relative to the world's cwd). */
  cwd?: string;
  failed?: boolean;
  /** Epoch milliseconds. */
  since?: number;
  limit?: number;
}

export interface HistoryApi {
  /** Moves spooled hook records into the store now; null when nothing was spooled for it. */
  ingest(): IngestReport | null;
  /** Matching commands, newest last. */
  list(q?: HistoryQuery): HistoryRow[];
  /**
   * Imports a history file: zsh, bash, fish or an atuin database (default: $HISTFILE,
   * ~/.zsh_history, ~/.bash_history, fish's history); idempotent.
   */
  importFile(file?: string, opts?: { shell?: HistoryFormatName | 'auto'; onProgress?: (done: number, total: number) => void }): ImportHistoryReport;
  stats(): ShellStats;
  /** The integration script a shell evaluates (settings baked in). */
  initScript(shell: string): string;
  /** Adds the integration to the shell's rc file, once. */
  install(shell: string): { file: string; added: boolean; line: string };
}

export function historyApi(world: World): HistoryApi {
  const ingest = () => ingestPending(world, 0);
  return {
    ingest,
    list(q = {}) {
      ingest();
      return new ShellStore(world.readDb()).history({
        session: q.session,
        cwd: q.cwd === undefined ? undefined : resolve(world.cwd, q.cwd),
        failed: q.failed,
        since: q.since,
        limit: q.limit === undefined ? 50 : intIn(q.limit, 'limit', 1, 1_000_000),
      });
    },
    importFile(file, o = {}) {
      const shell = o.shell ?? 'auto';
      if (![...FORMAT_NAMES, 'auto'].includes(shell)) throw new InputError(`must be ${FORMAT_NAMES.join(', ')} or auto, got '${shell}'`, undefined, 'shell');
      const path = file ? resolve(world.cwd, file) : defaultHistoryFile(world.env);
      let data: Buffer;
      try {
        if (statSync(path).isDirectory()) throw new UsageError(`${path} is a directory, not a history file`);
        data = readFileSync(path);
      } catch (err) {
        if (err instanceof UsageError) throw err;
        throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
      }
      return importHistory({ db: world.db(), file: path, data, shell, filter: historyFilter(world.config), fallbackTs: statSync(path).mtimeMs, now: world.now(), onProgress: o.onProgress });
    },
    stats() {
      ingest();
      return shellStats(world.readDb(), world.now());
    },
    initScript(shell) {
      const script = initScript(parseShell(shell), world.config, binPath(), process.execPath);
      // The hooks write into the spool with builtins: create it (0700) now rather than in the hook.
      try {
        mkdirSync(world.paths.spool, { recursive: true, mode: 0o700 });
      } catch {
        // the hook tries again; mem doctor reports an unwritable directory
      }
      return script;
    },
    install: (shell) => install(parseShell(shell), world.env, binPath()),
  };
}

function binPath(): string {
  const bin = memBin();
  if (!bin) throw new UsageError('cannot find the mem executable next to this installation');
  return bin;
}

function defaultHistoryFile(env: NodeJS.ProcessEnv): string {
  const home = env.HOME ?? '';
  const fish = join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'fish', 'fish_history');
  const candidates = [env.HISTFILE, join(home, '.zsh_history'), join(home, '.bash_history'), fish].filter((f): f is string => Boolean(f));
  const found = candidates.find((f) => existsSync(f));
  if (!found) throw new UsageError(`no history file found (tried ${candidates.join(', ')}); name one: mem import-history FILE`);
  return found;
}
