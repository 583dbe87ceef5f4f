import type { Cli } from '../cli/act.js';
import type { PruneOpts } from '../cli/register/shell.js';

export function run({ mem, term }: Cli, opts: PruneOpts): void {
  const bar = term.progress('relearning predictions');
  const report = mem.maintenance.prune({ dryRun: Boolean(opts.dryRun), onProgress: (done, total) => bar.update(done, total) });
  bar.done();
  if (term.json) return term.outJson(report);
  const would = report.dry_run ? 'would be ' : '';
  const c = report.commands;
  const reasons = Object.entries(c.reasons).map(([k, v]) => `${v} ${k}`).join(', ');
  term.out(`${report.dry_run ? 'dry run: ' : ''}commands: ${c.deleted} ${would}removed${reasons ? ` (${reasons})` : ''}, ${c.redacted} ${would}redacted; fix attempts: ${report.fix_attempts.redacted} ${would}redacted${report.relearned ? `; predictions relearned from ${report.relearned} commands` : ''}`);
}
