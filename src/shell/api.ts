// Shell history in the core API: what the hooks captured, imports of existing histories, and the
// shell integration scripts. Every read first takes in what the hooks spooled (home store only).
import { outcomeFilter, type Outcome } from '../util/outcome.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { World } from '../core/world.js';
import { InputError, intIn, UsageError } from '../errors.js';
import { learnAll } from '../predict/learner.js';
import { memBin } from '../util/spawn.js';
import { historyFilter } from './filters.js';
import { FORMAT_NAMES, type HistoryFormatName } from './import/index.js';
import { importHistory, type ImportHistoryReport } from './import-history.js';
import type { IngestReport } from './ingest.js';
import { refreshInitScripts } from './generated.js';
import { initScript, initSettings, parseShell, type Shell } from './init.js';
import { ensureShellDirs, install, type InstallResult } from './install.js';
import { ingestPending } from './pending.js';
import { queryHistory } from './query.js';
import { removeHistory, type HistoryRemoval, type HistoryTarget } from './remove.js';
import { ShellStore, type AuthorKind, type HistoryRow } from './store/commands.js';
import { shellStats, type ShellStats } from './store/stats.js';

export { FORMAT_NAMES };
export type HistoryFormat = HistoryFormatName;
export type { AuthorKind, HistoryRemoval, HistoryRow, HistoryTarget, ImportHistoryReport, IngestReport, InstallResult, Shell, ShellStats };

/** How `query` matches a command line. */
export type HistoryMatch = 'substring' | 'fuzzy' | 'prefix' | 'regex';
export const HISTORY_MATCHES: readonly HistoryMatch[] = ['substring', 'fuzzy', 'prefix', 'regex'];

export interface HistoryQuery {
  session?: string;
  /** Only commands run in this directory (relative to the world's cwd). */
  cwd?: string;
  /** success: exited 0; failure: exited non-zero. */
  outcome?: Outcome;
  /** Same as outcome: 'failure' (the MCP field). */
  failed?: boolean;
  /** Only commands that exited with this status. */
  exit?: number;
  /** At or after this time (epoch milliseconds). */
  since?: number;
  /** Before this time (epoch milliseconds). */
  before?: number;
  host?: string;
  /** Who ran them: a user's name, an agent's (claude-code, codex, cursor), or 'agents' / 'humans' for all of either. */
  author?: string;
  /** Only the user's commands (human), or only agents' (agent). */
  authorKind?: AuthorKind;
  /** Text to look for in the command line, matched as `match` says (default: substring). */
  query?: string;
  /**
   * substring and prefix: ASCII letters in any case; fuzzy: each space-separated term's characters
   * in order; regex: a JavaScript regular expression, case-sensitive, each line within a time budget.
   */
  match?: HistoryMatch;
  /** At most this many (the newest); default 50. */
  limit?: number;
  /** Newest first instead of newest last. */
  newestFirst?: boolean;
}

export interface HistoryResult {
  commands: HistoryRow[];
  /** Why the answer is not exactly what was asked for (a filter not applied, lines a regex ran out of time on). */
  notice: string | null;
  /** When nothing matched: which filter matched nothing (or that the store holds no commands). */
  empty: string | null;
}

export interface HistorySearch extends Omit<HistoryQuery, 'limit'> {
  /** Text the command line contains (ASCII letters in any case). */
  query?: string;
  /** At most this many commands per page (default 20). */
  limit?: number;
  /** `next_cursor` of the page before: continue further back in time. */
  cursor?: string;
}

export interface HistoryPage {
  /** Newest first. */
  commands: HistoryRow[];
  next_cursor: string | null;
  /** Why the answer is not exactly what was asked for (a filter that could not be applied). */
  notice: string | null;
}

export interface HistoryApi {
  /** Moves spooled hook records into the store now; null when nothing was spooled for it. */
  ingest(): IngestReport | null;
  /** Matching commands, newest last. */
  list(q?: HistoryQuery): HistoryRow[];
  /** Matching commands (newest last unless asked), with notices and, when empty, the filter that matched nothing. */
  query(q?: HistoryQuery): HistoryResult;
  /** Matching commands a page at a time, newest first (what agents ask: "when did this last fail?"). */
  search(q?: HistorySearch): HistoryPage;
  /** The cursor that continues a search after this row (a front end that shows fewer rows than a page). */
  cursorAfter(row: HistoryRow): string;
  /**
   * Imports a history file: zsh, bash, fish or an atuin database (default: $HISTFILE,
   * ~/.zsh_history, ~/.bash_history, fish's history); idempotent.
   */
  importFile(
    file?: string,
    opts?: {
      shell?: HistoryFormatName | 'auto';
      onProgress?: (done: number, total: number) => void;
      /** Learn the imported commands before returning (default), so predictions use them at once; false leaves them to the background learner. */
      learn?: boolean;
      onLearnProgress?: (done: number, total: number) => void;
    },
  ): ImportHistoryReport & { learned: number };
  stats(): ShellStats;
  /**
   * Deletes commands (by id, or every one a case-sensitive regex matches) and everything derived
   * from them: aggregates, the events that quoted them, the prediction statistics and workflows
   * (relearned from what remains, now or, with `background`, by the background learner: the
   * picker must not freeze), the suggestion files; scrubbed from disk. dryRun only reports.
   */
  remove(target: HistoryTarget, opts?: { dryRun?: boolean; onProgress?: (done: number, total: number) => void; background?: boolean }): HistoryRemoval;
  /** The integration script a shell evaluates (settings baked in); generated scripts are refreshed. */
  initScript(shell: string): string;
  /**
   * Writes the generated script for the shell and makes its rc file source it (migrating an
   * `eval "$(mem init ...)"` line); idempotent. With `completion` (the text of `mem completion
   * <shell>`), also writes it beside the script and sources it (fish: its completions directory).
   */
  install(shell: string, opts?: { completion?: string }): InstallResult;
}

export function historyApi(world: World): HistoryApi {
  const ingest = () => ingestPending(world, 0);
  const query = (q: HistoryQuery = {}): HistoryResult => {
    ingest();
    return queryHistory(new ShellStore(world.readDb()), { ...q, ...authorOf(q), cwd: q.cwd === undefined ? undefined : resolve(world.cwd, q.cwd) });
  };
  return {
    ingest,
    list: (q = {}) => query(q).commands,
    query,
    search(q = {}) {
      ingest();
      const limit = q.limit === undefined ? 20 : intIn(q.limit, 'limit', 1, 1000);
      if (q.query !== undefined && typeof q.query !== 'string') throw new InputError('must be a string', undefined, 'query');
      const rows = new ShellStore(world.readDb()).page({
        session: q.session,
        cwd: q.cwd === undefined ? undefined : resolve(world.cwd, q.cwd),
        outcome: outcomeFilter(q, q.failed ? 'failure' : undefined),
        since: q.since,
        ...authorOf(q),
        contains: q.query?.trim() || undefined,
        before: q.cursor === undefined ? undefined : decodeCursor(q.cursor),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        commands: page.map(({ ts: _t, ...r }) => r),
        next_cursor: rows.length > limit && last ? encodeCursor(last.ts, last.id) : null,
        notice: null,
      };
    },
    cursorAfter: (row) => encodeCursor(Date.parse(row.timestamp), row.id),
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
      const db = world.db();
      const report = importHistory({ db, file: path, data, shell, filter: historyFilter(world.config), fallbackTs: statSync(path).mtimeMs, now: world.now(), onProgress: o.onProgress });
      const learned = o.learn === false || report.added === 0 ? 0 : learnAll(db, { now: world.now(), onProgress: o.onLearnProgress, agents: world.config.get<boolean>('predict.include_agents') }).learned;
      return { ...report, learned };
    },
    stats() {
      ingest();
      return shellStats(world.readDb(), world.now());
    },
    remove: (target, o) => removeHistory(world, target, o),
    initScript(shell) {
      const sh = parseShell(shell);
      const bin = binPath();
      // The hooks write into these with builtins: create them (0700) now rather than in the hook.
      ensureShellDirs(world.paths);
      refreshInitScripts(world, bin, process.execPath, true);
      return initScript(sh, initSettings(world.config, bin, process.execPath));
    },
    install: (shell, o = {}) => install(world, parseShell(shell), binPath(), process.execPath, world.now(), o.completion),
  };
}

function authorOf(q: { author?: string; authorKind?: string }): { author?: string; authorKind?: AuthorKind } {
  if (q.author !== undefined && (typeof q.author !== 'string' || !q.author.trim())) throw new InputError('must be a name (a user, or an agent such as claude-code)', undefined, 'author');
  if (q.authorKind !== undefined && q.authorKind !== 'human' && q.authorKind !== 'agent') throw new InputError(`must be human or agent, got '${String(q.authorKind)}'`, undefined, 'author_kind');
  const author = q.author?.trim();
  // 'agents' and 'humans' name a kind, not an author.
  if (author === 'agents' || author === 'humans') return { author: undefined, authorKind: author === 'agents' ? 'agent' : 'human' };
  return { author, authorKind: q.authorKind };
}

const encodeCursor = (ts: number, id: number) => Buffer.from(`h1:${ts}:${id}`).toString('base64url');

function decodeCursor(cursor: string): { ts: number; id: number } {
  const m = /^h1:(-?\d+):(\d+)$/.exec(Buffer.from(String(cursor), 'base64url').toString());
  if (!m) throw new InputError('is not a cursor this search returned', undefined, 'cursor');
  return { ts: Number(m[1]), id: Number(m[2]) };
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
