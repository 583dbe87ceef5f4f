import type { Cli } from '../cli/act.js';
import type { IssueOpts } from '../cli/register/fixes.js';
import { renderSimilar } from '../render/fixes.js';
import { makeStyle } from '../render/style.js';
import { issueFromOptions, limitOption } from './issue-input.js';

export async function run({ mem, term }: Cli, opts: IssueOpts): Promise<void> {
  const { issue, ...similar } = mem.fixes.similar(await issueFromOptions(mem, opts), { limit: limitOption(opts) });
  if (term.json) term.outJson(similar);
  else term.out(renderSimilar(makeStyle(term.color), issue, similar, mem.world.now()));
}
