import type { Cli } from '../cli/act.js';
import { completionScript, type CompletionShell } from '../cli/completion.js';
import type { CompletionOpts } from '../cli/register/shell.js';

export function run({ term }: Cli, _opts: CompletionOpts, shell: string): void {
  const script = completionScript(shell as CompletionShell);
  if (term.json) return term.outJson({ shell, script });
  term.write(script);
}
