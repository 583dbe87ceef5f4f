import type { Ctx } from '../context.js';
import { UsageError } from '../errors.js';
import { cleanup } from '../maintenance/cleanup.js';
import { parseDuration } from '../util/time.js';

// Never prompts: it is meant to run from cron, where stdin is not a terminal.
export function run(ctx: Ctx, opts: Record<string, unknown>, days?: string): void {
  if (days !== undefined && opts.olderThan !== undefined) throw new UsageError('give the age once: either `cleanup DAYS` or --older-than');
  if (days !== undefined && !/^\d+$/.test(days)) throw new UsageError(`cleanup expects a whole number of days, got '${days}' (or use --older-than 30d)`);
  const age = parseDuration(String(days ?? opts.olderThan ?? ctx.config.get<string>('cleanup.older_than')), 'age');
  const report = cleanup(ctx.db(), ctx.now() - age, Boolean(opts.dryRun));
  if (ctx.json) return ctx.outJson(report);
  const verb = report.dry_run ? 'would remove' : 'removed';
  const r = report.removed;
  ctx.out(
    `${verb} ${r.fix_attempts} fix attempts, ${r.deleted_memories} deleted memories and ${r.one_off_workflows} one-off command sequences older than ${report.cutoff}` +
      (report.dry_run ? '' : '; patterns, model characteristics, stats, memories and episodes are kept'),
  );
}
