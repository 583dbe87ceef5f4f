import type { Cli } from '../cli/act.js';
import type { SuccessfulOpts } from '../cli/register/fixes.js';
import { renderSuccessful } from '../render/fixes.js';
import { makeStyle } from '../render/style.js';
import { intOption } from '../util/io.js';

export function run({ mem, term }: Cli, opts: SuccessfulOpts): void {
  const types = mem.fixes.successful({ limit: intOption(opts.limit, '--limit', 1, 100), issueType: opts.issueType });
  if (term.json) term.outJson({ issue_types: types });
  else term.out(renderSuccessful(makeStyle(term.color), types));
}
