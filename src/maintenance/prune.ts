// `mem prune`: re-applies the current history filters and the secret redaction to everything
// already stored, in one transaction, each capability rewriting its own records and rebuilding
// the aggregates that depend on their text. What it removes must be gone everywhere: the
// prediction statistics are reset in the same transaction and relearned from what remains, the
// suggestion files are written again, and the WAL is checkpointed and truncated so that no old
// page image is left on disk (secure_delete, set on every connection, zeroes the freed space).
import type { World } from '../core/world.js';
import { checkpointTruncate } from '../db/open.js';
import { forgetEventsOfType } from '../events/store.js';
import { writeTx } from '../db/tx.js';
import { sanitize } from '../fixes/input.js';
import { FixMaintenance } from '../fixes/store/attempts.js';
import { relearnAll, resetPredictions } from '../predict/learner.js';
import { clearSuggestions, writeSuggestions } from '../predict/suggest.js';
import { redactString } from '../redact/index.js';
import { historyFilter, noteTimeouts } from '../shell/filters.js';
import { ingestPending } from '../shell/pending.js';
import { ShellStore } from '../shell/store/commands.js';

export interface PruneReport {
  dry_run: boolean;
  commands: { deleted: number; redacted: number; reasons: Record<string, number> };
  fix_attempts: { redacted: number };
  /** Commands relearned by the predictor after its statistics were reset (0 when nothing changed). */
  relearned: number;
}

export function prune(world: World, dryRun: boolean, onProgress?: (done: number, total: number) => void): PruneReport {
  const report: PruneReport = { dry_run: dryRun, commands: { deleted: 0, redacted: 0, reasons: {} }, fix_attempts: { redacted: 0 }, relearned: 0 };
  ingestPending(world, 0);
  if (!world.storeExists()) return report;
  const db = world.db();
  const filter = historyFilter(world.config);
  let streamTimes: Map<string, number> | null = null;
  writeTx(db, () => {
    const shell = new ShellStore(db).rewrite((rows) => {
      const verdicts = filter.rejectAll(rows);
      return rows.map((r, i) => {
        const why = verdicts[i];
        if (why) return { drop: why };
        const clean = redactString(r.command);
        return clean === r.command ? null : { text: clean };
      });
    }, dryRun);
    report.commands = { deleted: shell.deleted, redacted: shell.redacted, reasons: shell.reasons };
    report.fix_attempts.redacted = new FixMaintenance(db).rewrite((a) => ({ ...a, ...sanitize({ ...a, ts: undefined }) }), dryRun);
    if (!dryRun && (shell.deleted || shell.redacted)) streamTimes = resetPredictions(db);
    // The event feed quotes ingested commands and recorded fixes: none may keep what was removed.
    if (!dryRun) forgetEventsOfType(db, [...(shell.deleted || shell.redacted ? (['command.ingested'] as const) : []), ...(report.fix_attempts.redacted ? (['fix.recorded'] as const) : [])]);
  });
  if (world.paths.home) noteTimeouts(world.paths.spool, filter, world.now());
  if (dryRun || (!streamTimes && !report.fix_attempts.redacted)) return report;
  checkpointTruncate(db);
  if (streamTimes) {
    // The shell reads these at the prompt: none may offer what was just removed.
    const sessions = world.paths.home ? clearSuggestions(world.paths.suggest) : [];
    report.relearned = relearnAll(db, { now: world.now(), streamTimes, onProgress, agents: world.config.get<boolean>('predict.include_agents') }).learned;
    if (sessions.length) writeSuggestions(db, world.paths.suggest, sessions, world.now());
    checkpointTruncate(db);
  }
  return report;
}
