import type { Cli } from '../cli/act.js';
import type { CleanupOpts } from '../cli/register/maintenance.js';
import { UsageError } from '../errors.js';
import { parseDuration } from '../util/time.js';

// Never prompts: it is meant to run from cron, where stdin is not a terminal.
export function run({ mem, term }: Cli, opts: CleanupOpts, days?: string): void {
  if (days !== undefined && opts.olderThan !== undefined) throw new UsageError('give the age once: either `cleanup DAYS` or --older-than');
  if (days !== undefined && !/^\d+$/.test(days)) throw new UsageError(`cleanup expects a whole number of days, got '${days}' (or use --older-than 30d)`);
  const age = parseDuration(days ?? opts.olderThan ?? mem.world.config.get<string>('cleanup.older_than'), 'age');
  const report = mem.maintenance.cleanup(age, { dryRun: Boolean(opts.dryRun) });
  if (term.json) return term.outJson(report);
  const verb = report.dry_run ? 'would remove' : 'removed';
  const r = report.removed;
  term.out(
    `${verb} ${r.fix_attempts} fix attempts, ${r.deleted_memories} deleted memories and ${r.one_off_workflows} one-off command sequences older than ${report.cutoff}` +
      (report.dry_run ? '' : '; patterns, model characteristics, stats, memories and episodes are kept'),
  );
}
