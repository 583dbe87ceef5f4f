import type { Cli } from '../cli/act.js';
import type { BackupOpts } from '../cli/register/maintenance.js';
import { intOption } from '../util/io.js';

export async function run({ mem, term }: Cli, opts: BackupOpts): Promise<void> {
  const report = await term.spin('backing up', () => mem.maintenance.backup({ dir: opts.dir, keep: opts.keep === undefined ? undefined : intOption(opts.keep, '--keep', 1, 10_000) }));
  if (term.json) return term.outJson(report);
  term.out(`backed up to ${report.path} (${(report.bytes / 1024).toFixed(0)} KiB, integrity ok); keeping ${report.kept.length}, removed ${report.removed.length}`);
}
