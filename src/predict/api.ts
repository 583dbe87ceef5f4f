// Next-command prediction in the core API: predictions with their evidence, the transition graph,
// learned workflows, teaching sequences, and replay evaluation. Reads are made current first:
// pending spool records are ingested and a live-sized backlog is learned inline.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { World } from '../core/world.js';
import { intIn, isStoreBusy, UsageError } from '../errors.js';
import { parseHistory } from '../shell/import/index.js';
import { lockOwner } from '../shell/lock.js';
import { ingestPending } from '../shell/pending.js';
import { evaluate, type EvalResult, type Granularity } from './eval.js';
import type { TransitionEdge } from './graph.js';
import { ShellStore } from '../shell/store/commands.js';
import { learnPending, loadPredictor, pendingCount } from './learner.js';
import { MemoryStats } from './memory-stats.js';
import { Predictor } from './predictor.js';
import { SqlStats, templateEdges } from './store/stats.js';
import { anyWorkflows, workflowRows } from './store/workflows.js';
import { mergeWorkflows, type Workflow } from './workflows.js';
import { teach, type LearnReport } from './teach.js';
import type { CommandEvent, Prediction } from './types.js';

export type { EvalResult, Granularity, LearnReport, Prediction, TransitionEdge, Workflow };

export interface PredictQuery {
  /** Predict after these commands instead of the session's last ones. */
  context?: string[];
  /** The directory to predict for (default: the world's cwd). */
  cwd?: string;
  /** The shell session whose last commands are the context (default: $MEM_SESSION, else the latest). */
  session?: string;
  /**
   * Predict for this author (an agent such as claude-code) from their own commands only: agents'
   * commands are kept out of the user's predictions (unless predict.include_agents).
   */
  author?: string;
  topK?: number;
}

export interface PredictResult {
  predictions: Prediction[];
  /** The last commands predicted after. */
  context: string[];
  /** Commands not learned yet (a background learner is working through an import). */
  learning_backlog: number;
  /** With no prediction: why (nothing recorded, nothing by that author, nothing learned after the context). */
  empty: string | null;
}

export interface WorkflowResult {
  workflows: Workflow[];
  /** With no workflow: which filter matched nothing. */
  empty: string | null;
}

export type ReplayFormat = 'auto' | 'zsh' | 'bash' | 'plain';

export interface PredictApi {
  /** Ingests what the hooks spooled and learns a live-sized backlog; returns what still waits. */
  freshen(): { remaining: number };
  next(q?: PredictQuery): PredictResult;
  graph(opts?: { top?: number }): TransitionEdge[];
  workflows(opts?: { minCount?: number; cwd?: string; limit?: number }): Workflow[];
  /** The same, with why the list is empty when it is. */
  workflowList(opts?: { minCount?: number; cwd?: string; limit?: number }): WorkflowResult;
  /** Teaches sessions `{"session_commands": [...], "session_outcome": ...}` (validated first, all or nothing). */
  learn(sessions: readonly { line: number; value: unknown }[]): LearnReport;
  /** Learns up to `max` waiting commands now and refreshes the suggestion files (the background ingester). */
  learnPending(max: number): { learned: number; remaining: number; streams: string[] };
  /** Replays history files through the predictor (in memory; the store is untouched). */
  evaluateFiles(files: string[], opts: { format?: ReplayFormat; granularity?: Granularity; k?: number; onProgress?: (done: number, total: number) => void }): EvalResult;
}

/** A backlog this small (what was typed since the last ingest) is learned inline. */
const INLINE = 300;

export function predictApi(world: World): PredictApi {
  const freshen = () => {
    ingestPending(world, 0);
    if (!world.storeExists()) return { remaining: 0 };
    const db = world.db();
    const pending = pendingCount(db);
    if (pending === 0) return { remaining: 0 };
    if (pending <= INLINE) {
      try {
        learnPending(db, { now: world.now(), train: true, agents: world.config.get<boolean>('predict.include_agents') });
        return { remaining: 0 };
      } catch (err) {
        // Reading must not fail because learning on the way could not write: answer from what is learned.
        if (!isStoreBusy(err)) throw err;
        return { remaining: pendingCount(db) };
      }
    }
    // A big backlog (after an import) goes to the background ingester: nobody waits for it.
    if (!lockOwner(world.paths.ingestLock)?.alive) world.spawn(['__ingest', '--daemon']);
    return { remaining: pending };
  };
  const workflowList = (o: { minCount?: number; cwd?: string; limit?: number } = {}): WorkflowResult => {
    freshen();
    const minCount = o.minCount === undefined ? 3 : intIn(o.minCount, 'min_count', 2, Number.MAX_SAFE_INTEGER);
    const cwd = o.cwd === undefined ? undefined : resolve(world.cwd, o.cwd);
    const limit = o.limit === undefined ? 20 : intIn(o.limit, 'limit', 1, 1000);
    const db = world.readDb();
    // Rotations and parts of one cycle are merged: read enough rows for `limit` workflows.
    const workflows = mergeWorkflows(workflowRows(db, { minCount, cwd, limit: limit * 20 }), limit);
    return { workflows, empty: workflows.length ? null : whyNoWorkflows(db, new SqlStats(db).seq, { minCount, cwd }) };
  };
  return {
    freshen,
    next(q = {}) {
      const k = q.topK === undefined ? 3 : intIn(q.topK, 'top_k', 1, 20);
      const { remaining } = freshen();
      if (q.author !== undefined) return { ...authorPredict(world, q, k), learning_backlog: remaining };
      const nothing = (): string => (remaining ? `nothing learned yet: ${remaining} commands wait for the background learner` : NOTHING_RECORDED);
      const stats = new SqlStats(world.readDb());
      const now = world.now();
      const cwd = q.cwd === undefined ? world.cwd : resolve(world.cwd, q.cwd);
      let recent: CommandEvent[];
      if (q.context?.length) recent = q.context.map((command) => ({ command, ts: now, cwd, exit_code: null, session: null }));
      else {
        if (q.session !== undefined && !stats.stream(q.session).length) throw new UsageError(`no commands recorded for session '${q.session}'`);
        const session = q.session ?? world.env.MEM_SESSION;
        recent = session && stats.stream(session).length ? stats.stream(session) : stats.stream(stats.latestStream() ?? '');
      }
      // Ask for a few more than shown: suggestions that cannot run here (cd to a missing place) go.
      const predictions = loadPredictor(stats)
        .predict({ recent, cwd, now, k: k + 3 })
        .filter((p) => runnable(p.next_command, cwd))
        .slice(0, k);
      const context = recent.slice(-3).map((e) => e.command);
      const empty = predictions.length ? null : stats.seq === 0 ? nothing() : `nothing learned follows \`${context[context.length - 1] ?? ''}\``;
      return { predictions, context, learning_backlog: remaining, empty };
    },
    graph(o = {}) {
      freshen();
      return templateEdges(world.readDb(), o.top === undefined ? 30 : intIn(o.top, 'top', 1, 10_000));
    },
    workflows: (o = {}) => workflowList(o).workflows,
    workflowList,
    learn: (sessions) => teach(world, sessions),
    learnPending(max) {
      const db = world.db();
      return learnPending(db, { now: world.now(), max, train: true, agents: world.config.get<boolean>('predict.include_agents') });
    },
    evaluateFiles(files, o) {
      const format = o.format ?? 'auto';
      if (!['auto', 'zsh', 'bash', 'plain'].includes(format)) throw new UsageError(`format must be auto, zsh, bash or plain, got '${format}'`);
      const granularity = o.granularity ?? 'full';
      if (granularity !== 'full' && granularity !== 'name') throw new UsageError(`granularity must be full or name, got '${String(granularity)}'`);
      const k = o.k === undefined ? 3 : intIn(o.k, 'k', 1, 20);
      if (!files.length) throw new UsageError('give one or more history files to replay');
      const inputs = files.map((f) => ({ name: f, events: historyEvents(resolve(world.cwd, f), format) }));
      // Progress over all files: each file's positions start after the previous files' ones.
      const offsets = new Map<string, number>();
      let total = 0;
      for (const f of inputs) {
        offsets.set(f.name, total);
        total += f.events.length;
      }
      return evaluate(inputs, { k, granularity }, (file, done) => o.onProgress?.((offsets.get(file) ?? 0) + done, total));
    },
  };
}

/** How many of an author's latest commands their predictions are learned from (in memory, per question). */
const AUTHOR_HISTORY = 3000;

/**
 * Predictions from one author's own commands (an agent's), learned in memory at each question from
 * their latest commands, a session at a time, with the default weights. After the given commands,
 * else after the last ones of the session named (default: the author's latest session).
 */
function authorPredict(world: World, q: PredictQuery, k: number): Omit<PredictResult, 'learning_backlog'> {
  const author = String(q.author).trim();
  if (!author) throw new UsageError('author must be a name (an agent such as claude-code, or a user)');
  const rows = world.storeExists() ? new ShellStore(world.readDb()).byAuthor(author, AUTHOR_HISTORY) : [];
  const sessions = new Map<string, CommandEvent[]>();
  for (const r of rows) {
    const key = r.session ?? '';
    let list = sessions.get(key);
    if (!list) sessions.set(key, (list = []));
    list.push({ command: r.command, ts: r.ts, cwd: r.cwd, exit_code: r.exit_code, session: key });
  }
  const stats = new MemoryStats();
  for (const list of sessions.values()) for (const e of list) stats.learn(e);
  const now = world.now();
  const cwd = q.cwd === undefined ? world.cwd : resolve(world.cwd, q.cwd);
  let recent: CommandEvent[];
  if (q.context?.length) recent = q.context.map((command) => ({ command, ts: now, cwd, exit_code: null, session: null }));
  else {
    const last = rows[rows.length - 1];
    const session = q.session ?? last?.session ?? '';
    if (q.session !== undefined && !sessions.has(q.session)) throw new UsageError(`no commands by ${author} in session '${q.session}'`);
    recent = (sessions.get(session) ?? []).slice(-10);
  }
  const context = recent.slice(-3).map((e) => e.command);
  if (!rows.length) return { predictions: [], context, empty: `no commands recorded by author '${author}'` };
  const predictions = new Predictor(stats)
    .predict({ recent, cwd, now, k: k + 3 })
    .filter((p) => runnable(p.next_command, cwd))
    .slice(0, k);
  return { predictions, context, empty: predictions.length ? null : `nothing ${author} ran follows \`${context[context.length - 1] ?? ''}\`` };
}

const NOTHING_RECORDED = 'no commands recorded yet (mem init --install zsh to start, or mem import-history)';

/** Which filter left `mem workflows` empty. */
function whyNoWorkflows(db: Parameters<typeof anyWorkflows>[0], learned: number, o: { minCount: number; cwd?: string }): string {
  if (learned === 0) return NOTHING_RECORDED;
  if (!anyWorkflows(db)) return 'no command sequence of 3+ steps has been learned yet';
  if (o.cwd && !anyWorkflows(db, { cwd: o.cwd })) return `no workflow was run in ${o.cwd}`;
  const top = workflowRows(db, { minCount: 1, cwd: o.cwd, limit: 1 })[0];
  if (!top) return `no sequence recurs in 2+ sessions${o.cwd ? ` in ${o.cwd}` : ''}`;
  if (top.occurrences < o.minCount) return `no sequence was seen ${o.minCount}+ times (--min-count)${o.cwd ? ` in ${o.cwd}` : ''}: the most frequent, ${top.occurrences}×`;
  return `no sequence seen ${o.minCount}+ times${o.cwd ? ` in ${o.cwd}` : ''} recurs in 2+ sessions with 2+ steps that are more than navigation`;
}

/** A `cd` into a directory that no longer exists is not worth suggesting. */
function runnable(line: string, cwd: string): boolean {
  const m = /^cd\s+(\S+)\s*$/.exec(line);
  if (!m || /[$`*?]/.test(m[1]!) || m[1] === '-') return true;
  const target = m[1]!.replace(/^~(?=$|\/)/, homedir()).replace(/^['"]|['"]$/g, '');
  return existsSync(resolve(cwd, target));
}

function historyEvents(path: string, format: ReplayFormat): CommandEvent[] {
  let data: Buffer;
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`${path} is a directory`);
    data = readFileSync(path);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  if (format === 'plain') {
    return data.toString('utf8').split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim()).map((command) => ({ command, ts: null }));
  }
  return parseHistory(data, format, path).entries.map((e) => ({ command: e.command, ts: e.ts }));
}
