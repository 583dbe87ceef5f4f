// `mem history rm`: deletes commands, by id or by a regex, and everything derived from them. The
// commands, their aggregates, the events that quoted them and the prediction statistics go in one
// transaction; then the predictions are relearned from what remains, the suggestion files written
// again and the WAL truncated, as `mem prune` does (secure_delete zeroes the freed pages).
import type { World } from '../core/world.js';
import { checkpointTruncate } from '../db/open.js';
import { writeTx } from '../db/tx.js';
import { InputError, NotFoundError } from '../errors.js';
import { rewriteCommandEvents } from '../events/store.js';
import { relearnAfterRemoval } from '../maintenance/prune.js';
import { resetPredictions } from '../predict/learner.js';
import { clearSuggestions } from '../predict/suggest.js';
import { lockOwner } from './lock.js';
import { regexSearcher } from './filters.js';
import { ingestPending } from './pending.js';
import { ShellStore, type HistoryRow } from './store/commands.js';

/** Which commands to delete: their ids, or every command a regex (case-sensitive) matches. */
export type HistoryTarget = readonly number[] | { match: string };

export interface HistoryRemoval {
  dry_run: boolean;
  /** The commands deleted (or, with dryRun, that would be), oldest first. */
  commands: HistoryRow[];
  removed: number;
  /** Lines the regex ran out of time on: not deleted. */
  timed_out: number;
  /** Commands the predictor relearned from after the removal. */
  relearned: number;
}

const PAGE = 2000;

export function removeHistory(world: World, target: HistoryTarget, o: { dryRun?: boolean; onProgress?: (done: number, total: number) => void; background?: boolean } = {}): HistoryRemoval {
  const report: HistoryRemoval = { dry_run: Boolean(o.dryRun), commands: [], removed: 0, timed_out: 0, relearned: 0 };
  const ids = Array.isArray(target) ? checkIds(target) : null;
  const match = ids ? null : (target as { match: string }).match;
  if (match !== null && (typeof match !== 'string' || match === '')) throw new InputError('must be a non-empty regular expression', undefined, 'match');
  const search = match === null ? null : regexSearcher(match, 'match');
  ingestPending(world, 0);
  if (!world.storeExists()) {
    if (ids) throw new NotFoundError(`no command with id ${ids[0]} (no commands are recorded)`);
    return report;
  }
  const db = world.db();
  const store = new ShellStore(db);
  if (ids) {
    report.commands = store.byIds(ids);
    const missing = ids.filter((id) => !report.commands.some((r) => r.id === id));
    if (missing.length) throw new NotFoundError(`no command with id ${missing.join(', ')}; nothing was deleted`);
  } else {
    for (let last = 0; ; ) {
      const rows = store.after(last, PAGE);
      if (!rows.length) break;
      last = rows[rows.length - 1]!.id;
      const verdicts = search!(rows.map((r) => r.command));
      const hits = rows.filter((_, i) => verdicts[i] === 'match').map((r) => r.id);
      report.timed_out += verdicts.filter((v) => v === 'timeout').length;
      if (hits.length) report.commands.push(...store.byIds(hits));
    }
  }
  if (o.dryRun || !report.commands.length) return report;
  const gone = new Set(report.commands.map((r) => `${r.timestamp}\0${r.command}`));
  const streamTimes = writeTx(db, () => {
    report.removed = store.removeIds(report.commands.map((r) => r.id));
    rewriteCommandEvents(db, (quoted) => quoted.map((c) => (gone.has(`${c.ts}\0${c.command}`) ? 'drop' : null)));
    return resetPredictions(db);
  });
  if (o.background) {
    // The picker deletes interactively: the WAL and the suggestion files go now, and the background
    // learner relearns from what remains (predictions come back as it works).
    checkpointTruncate(db);
    if (world.paths.home) clearSuggestions(world.paths.suggest);
    if (!lockOwner(world.paths.ingestLock)?.alive) world.spawn(['__ingest', '--daemon']);
    return report;
  }
  report.relearned = relearnAfterRemoval(world, db, streamTimes, o.onProgress);
  return report;
}

function checkIds(ids: readonly unknown[]): number[] {
  if (!ids.length) throw new InputError('give at least one id', undefined, 'ids');
  for (const id of ids) if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) throw new InputError(`must be command ids (whole numbers from mem history --format '{id}'), got ${JSON.stringify(id)}`, undefined, 'ids');
  return [...new Set(ids as number[])];
}
