import type { Cli } from '../cli/act.js';
import type { FixPatternsOpts } from '../cli/register/fixes.js';
import { renderPatterns } from '../render/fixes.js';
import { makeStyle } from '../render/style.js';
import { intOption } from '../util/io.js';

export function run({ mem, term }: Cli, opts: FixPatternsOpts): void {
  const patterns = mem.fixes.patterns({ limit: intOption(opts.limit, '--limit', 1, 100_000), minAttempts: intOption(opts.minAttempts, '--min-attempts', 1), issueType: opts.issueType });
  if (term.json) term.outJson({ patterns });
  else term.out(renderPatterns(makeStyle(term.color), patterns, mem.world.now()));
}
