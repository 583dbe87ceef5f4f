import type { Cli } from '../cli/act.js';
import type { ImportHistoryOpts } from '../cli/register/shell.js';
import { UsageError } from '../errors.js';

export function run({ mem, term }: Cli, opts: ImportHistoryOpts, file?: string): void {
  const shell = opts.shell;
  if (shell !== 'zsh' && shell !== 'bash' && shell !== 'auto') throw new UsageError(`--shell must be zsh, bash or auto, got '${shell}'`);
  const progress = term.progress('importing');
  const report = mem.history.importFile(file, { shell, onProgress: progress.update });
  progress.done();
  if (term.json) return term.outJson(report);
  term.out(`imported ${report.added} new commands from ${report.file} (${report.shell}; ${report.entries} entries, ${report.already_present} already present, ${report.filtered} filtered)`);
}
