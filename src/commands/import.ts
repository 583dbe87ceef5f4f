import type { Cli } from '../cli/act.js';
import type { ImportOpts } from '../cli/register/maintenance.js';
import { readInput } from '../util/io.js';

export async function run({ mem, term }: Cli, opts: ImportOpts, file: string): Promise<void> {
  const report = mem.maintenance.importBundle(await readInput(file), { dryRun: Boolean(opts.dryRun) });
  if ('dry_run' in report) {
    const c = report.counts;
    const summary = { dry_run: true, valid: true, fix_attempts: c.fix_attempts ?? 0, fix_archive: c.fix_archive ?? 0, commands: c.commands ?? 0, memories: c.memories ?? 0 };
    return term.json ? term.outJson(summary) : term.out(`bundle is valid: ${summary.fix_attempts} fix attempts, ${summary.fix_archive} archive rows (nothing written)`);
  }
  if (term.json) return term.outJson(report);
  const a = report.fix_attempts;
  const n = report.added;
  term.out(
    report.changed
      ? `imported ${a.added} new fix attempts (${a.already_present} already present), ${n.commands} shell commands, ${n.memories} memories, ${n.learned_patterns} learned patterns, ${n.episodes} episodes; merged ${report.fix_archive.merged} archive rows`
      : `nothing new: every record in ${file === '-' ? 'the bundle' : file} is already in the store`,
  );
}
