import type { Ctx } from '../context.js';
import { prune } from '../maintenance/prune.js';
import { historyFilter } from '../shell/filters.js';
import { ingestPending } from '../shell/pending.js';

export function run(ctx: Ctx, opts: Record<string, unknown>): void {
  ingestPending(ctx, 0);
  const report = prune(ctx.db(), historyFilter(ctx.config), Boolean(opts.dryRun));
  if (ctx.json) return ctx.outJson(report);
  const verb = report.dry_run ? 'would' : '';
  const c = report.commands;
  const reasons = Object.entries(c.reasons).map(([k, v]) => `${v} ${k}`).join(', ');
  ctx.out(
    `${report.dry_run ? 'dry run: ' : ''}commands: ${c.deleted} ${verb ? 'would be ' : ''}removed${reasons ? ` (${reasons})` : ''}, ${c.redacted} ${verb ? 'would be ' : ''}redacted; fix attempts: ${report.fix_attempts.redacted} ${verb ? 'would be ' : ''}redacted`,
  );
}
