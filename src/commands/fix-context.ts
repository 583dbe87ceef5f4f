import type { Cli } from '../cli/act.js';
import type { IssueOpts } from '../cli/register/fixes.js';
import { renderContext } from '../render/context.js';
import { issueFromOptions, limitOption } from './issue-input.js';

export async function run({ mem, term }: Cli, opts: IssueOpts): Promise<void> {
  const context = mem.fixes.context(await issueFromOptions(mem, opts), { limit: limitOption(opts) });
  if (term.json) term.outJson(context);
  else term.out(renderContext(context));
}
