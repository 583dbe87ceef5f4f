import type { Cli } from '../cli/act.js';
import type { ImportHistoryOpts } from '../cli/register/shell.js';
import type { Progress } from '../cli/term.js';
import type { HistoryFormat } from '../shell/api.js';

export function run({ mem, term }: Cli, opts: ImportHistoryOpts, file?: string): void {
  const shell: HistoryFormat | 'auto' = opts.shell; // commander checked it against its choices
  const progress = term.progress('importing');
  let learning: Progress | null = null;
  const report = mem.history.importFile(file, {
    shell,
    onProgress: progress.update,
    learn: opts.learn,
    onLearnProgress: (done, total) => {
      if (!learning) {
        progress.done();
        learning = term.progress('learning');
      }
      learning.update(done, total);
    },
  });
  progress.done();
  (learning as Progress | null)?.done();
  if (term.json) return term.outJson(report);
  for (const w of report.warnings.slice(0, 10)) term.err(`mem: warning: ${report.file}:${w.line}: ${w.message}`);
  if (report.warning_count > 10) term.err(`mem: warning: ${report.warning_count - 10} more (--json lists up to ${report.warnings.length})`);
  term.out(
    `imported ${report.added} new commands from ${report.file} (${report.shell}; ${report.entries} entries, ${report.already_present} already present, ${report.filtered} filtered${report.warning_count ? `, ${report.warning_count} repaired` : ''})${report.learned ? `; learned for predictions` : opts.learn || !report.added ? '' : '; predictions learn them in the background'}`,
  );
}
