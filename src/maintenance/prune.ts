// `mem prune`: re-applies the current history filters and the secret redaction to everything
// already stored, in one transaction, each capability rewriting its own records and rebuilding
// the aggregates that depend on their text.
import type { World } from '../core/world.js';
import { writeTx } from '../db/tx.js';
import { sanitize } from '../fixes/input.js';
import { FixMaintenance } from '../fixes/store/attempts.js';
import { redactString } from '../redact/index.js';
import { historyFilter } from '../shell/filters.js';
import { ingestPending } from '../shell/pending.js';
import { ShellStore } from '../shell/store/commands.js';

export interface PruneReport {
  dry_run: boolean;
  commands: { deleted: number; redacted: number; reasons: Record<string, number> };
  fix_attempts: { redacted: number };
}

export function prune(world: World, dryRun: boolean): PruneReport {
  const report: PruneReport = { dry_run: dryRun, commands: { deleted: 0, redacted: 0, reasons: {} }, fix_attempts: { redacted: 0 } };
  ingestPending(world, 0);
  if (!world.storeExists()) return report;
  const db = world.db();
  const filter = historyFilter(world.config);
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
  });
  return report;
}
