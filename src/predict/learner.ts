// Feeds the persisted prediction statistics from the `commands` table, in id order, remembering
// how far it got (predict_state.learned_id) in the same transaction as what it learned: like the
// spool ingester, it never learns a command twice or skips one. Commands captured live also train
// the ranking weights (test-then-train: predict, then reveal), so the model adapts to its user;
// imported histories only feed the counts.
import type { Db } from '../db/open.js';
import { inSlices, writeTx } from '../db/tx.js';
import { ShellStore } from '../shell/store/commands.js';
import { SESSION_GAP_MS } from './keys.js';
import { normalize } from './normalize.js';
import { Predictor, type PredictorState } from './predictor.js';
import { learnedId, resetStats, restoreStreamTimes, SqlStats } from './store/stats.js';
import type { CommandEvent } from './types.js';
import { clearWorkflows, WorkflowCounter, MAX_STEPS } from './store/workflows.js';

export interface LearnReport {
  learned: number;
  /** Commands still waiting (stopped at `max`). */
  remaining: number;
  /** Streams (sessions) that learned something. */
  streams: string[];
}

/** The stream a command belongs to: its shell session, else the history it was imported from. */
export const streamOf = (r: { session: string | null; source: string }) => r.session ?? r.source;

export function loadPredictor(stats: SqlStats): Predictor {
  const predictor = new Predictor(stats);
  const saved = stats.getState('weights');
  if (saved) {
    try {
      predictor.restore(JSON.parse(saved) as PredictorState);
    } catch {
      // weights of an older shape: start again from the defaults
    }
  }
  return predictor;
}

/**
 * Commands not learned yet, at most: ids only grow, so this is one index lookup, not a count
 * (deleted rows can make it overestimate, which only delays learning to the next batch).
 */
export function pendingCount(db: Db): number {
  const learned = learnedId(db);
  return Math.max(0, new ShellStore(db).maxId() - learned);
}

/** Weights train only on a live trickle of commands: a bulk backlog (an import) teaches counts. */
const TRAIN_BACKLOG = 200;
/** Commands read at a time within a slice. */
const FETCH = 256;

/**
 * Learns waiting commands in time slices (see inSlices): each slice reads where learning stopped,
 * and the learner's caches, inside its own transaction, so two learners at once (the background
 * ingester and `mem learn`, `mem predict`) never learn a command twice.
 */
export function learnPending(db: Db, o: { now: number; max?: number; train?: boolean; agents?: boolean }): LearnReport {
  if (pendingCount(db) === 0) return { learned: 0, remaining: 0, streams: [] };
  const stats = new SqlStats(db);
  const train = Boolean(o.train) && pendingCount(db) <= TRAIN_BACKLOG;
  const workflows = new WorkflowCounter(db);
  const commands = new ShellStore(db);
  const streams = new Set<string>();
  let learned = 0;
  const max = o.max ?? Infinity;
  inSlices(db, (hasTime) => {
    stats.reload();
    const predictor = train ? loadPredictor(stats) : null;
    let last = Number(stats.getState('learned_id') ?? 0);
    const start = last;
    let more = true;
    work: for (;;) {
      const rows = commands.after(last, Math.min(FETCH, max - learned));
      if (!rows.length) {
        more = false;
        break;
      }
      for (const r of rows) {
        // Agents' commands (mem hook install) shape no one's predictions unless configured
        // (predict.include_agents): an agent's answer comes from its own history (predict --author).
        if (r.author_kind === 'agent' && !o.agents) {
          last = r.id;
          if (++learned >= max) {
            more = false;
            break work;
          }
          continue;
        }
        const stream = streamOf(r);
        const event: CommandEvent = { command: r.command, ts: r.ts, cwd: r.cwd, exit_code: r.exit_code, session: stream };
        if (predictor && r.source === 'hook') {
          predictor.predict({ recent: stats.stream(stream), cwd: r.cwd, now: r.ts, k: 3 });
          predictor.observe(event); // moves the weights, then learns the counts
        } else stats.learn(event);
        countWorkflows(workflows, stats.stream(stream), stream, r.ts);
        streams.add(stream);
        last = r.id;
        if (++learned >= max) {
          more = false;
          break work;
        }
        if (!hasTime()) break work;
      }
    }
    if (last !== start) {
      stats.setState('learned_id', String(last));
      stats.flush(o.now);
      if (predictor) stats.setState('weights', JSON.stringify(predictor.state));
    }
    return more;
  });
  return { learned, remaining: learned >= max ? pendingCount(db) : 0, streams: [...streams] };
}

/**
 * Forgets the learned statistics and workflows (the ranking weights stay), so that what prune
 * removed or redacted survives in no derived table. Caller holds the transaction (prune's own, so
 * the text goes in the same commit as the commands). Returns what relearnAll restores.
 */
export function resetPredictions(db: Db): Map<string, number> {
  clearWorkflows(db);
  return resetStats(db);
}

const RELEARN_CHUNK = 5000;
/** How long relearnAll waits on another learner (the background ingester) doing the same work. */
const SHARED_WAIT_MS = 120_000;

/**
 * Learns every command again after resetPredictions, in chunks (each its own transaction, so
 * writers are not held up), counting only: the same counts, in the same order, as when the commands
 * were first learned, so the predictions are those of the same history. The background ingester
 * may take chunks too (the learner's checks keep each command learned once); this waits for it.
 */
export function relearnAll(db: Db, o: { now: number; streamTimes: ReadonlyMap<string, number>; agents?: boolean; onProgress?: (done: number, total: number) => void }): LearnReport {
  const commands = new ShellStore(db);
  const waiting = () => commands.countAfter(learnedId(db));
  const total = waiting();
  const streams = new Set<string>();
  let idleSince = Date.now();
  for (let left = total; left > 0; ) {
    const r = learnPending(db, { now: o.now, max: RELEARN_CHUNK, train: false, agents: o.agents });
    for (const s of r.streams) streams.add(s);
    left = waiting();
    o.onProgress?.(total - left, total);
    if (r.learned) idleSince = Date.now();
    else if (Date.now() - idleSince > SHARED_WAIT_MS) break; // left to the background learner
    else sleep(20); // another learner holds this chunk
  }
  writeTx(db, () => restoreStreamTimes(db, o.streamTimes));
  const remaining = waiting();
  return { learned: total - remaining, remaining, streams: [...streams] };
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Relearns the prediction statistics from the stored commands. */
export function rebuildPredictions(db: Db, now: number, onProgress?: (done: number, total: number) => void, agents = false): LearnReport {
  const streamTimes = writeTx(db, () => resetPredictions(db));
  return relearnAll(db, { now, streamTimes, onProgress, agents });
}

/** A learned command as kept in its stream, with the start time of its session segment. */
type Kept = CommandEvent & { seg?: number };

/**
 * Workflows end at the command just learned and never reach back across a session gap. Sessions
 * are the stream cut at gaps (a shell session rarely has one; an imported history has many), so a
 * sequence "seen in two sessions" means two separate sittings.
 */
function countWorkflows(counter: WorkflowCounter, recent: Kept[], stream: string, ts: number): void {
  const last = recent[recent.length - 1]!;
  const prev = recent[recent.length - 2];
  const gap = (a: Kept, b: Kept) => a.ts !== null && b.ts !== null && b.ts - a.ts > SESSION_GAP_MS;
  last.seg = prev && !gap(prev, last) ? (prev.seg ?? prev.ts ?? 0) : (last.ts ?? 0);
  const window: Kept[] = [];
  for (let i = recent.length - 1; i >= 0 && window.length < MAX_STEPS; i--) {
    const e = recent[i]!;
    if (e.seg !== last.seg) break;
    window.unshift(e);
  }
  counter.observe(
    window.map((e) => ({ command: e.command, template: normalize(e.command), exit_code: e.exit_code ?? null, cwd: e.cwd ?? null })),
    `${stream}@${last.seg}`,
    ts,
  );
}
