import type { Cli } from '../cli/act.js';
import type { InitOpts } from '../cli/register/shell.js';
import { completionScript, type CompletionShell } from '../cli/completion.js';
import { UsageError } from '../errors.js';
import { installMessage } from '../render/shell.js';

export function run({ mem, term }: Cli, opts: InitOpts, shell?: string): void {
  if (opts.install !== undefined) {
    const r = mem.history.install(opts.install, { completion: completionScript(opts.install as CompletionShell) });
    return term.json ? term.outJson(r) : term.out(installMessage(r));
  }
  if (!shell) throw new UsageError('which shell? `mem init zsh`, `mem init bash` or `mem init fish` (or `mem init --install zsh`)');
  const script = mem.history.initScript(shell);
  if (term.json) term.outJson({ shell, script });
  else term.write(script);
}
