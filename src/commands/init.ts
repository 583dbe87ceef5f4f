import type { Cli } from '../cli/act.js';
import type { InitOpts } from '../cli/register/shell.js';
import { UsageError } from '../errors.js';

export function run({ mem, term }: Cli, opts: InitOpts, shell?: string): void {
  if (opts.install !== undefined) {
    const r = mem.history.install(opts.install);
    if (term.json) return term.outJson(r);
    return term.out(r.added ? `added to ${r.file}: ${r.line}\nopen a new shell (or run that line) to start recording` : `already installed in ${r.file}`);
  }
  if (!shell) throw new UsageError('which shell? `mem init zsh` or `mem init bash` (or `mem init --install zsh`)');
  const script = mem.history.initScript(shell);
  if (term.json) term.outJson({ shell, script });
  else term.write(script);
}
