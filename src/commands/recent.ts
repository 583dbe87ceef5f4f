import type { Cli } from '../cli/act.js';
import type { RecentOpts } from '../cli/register/fixes.js';
import { renderAttempts } from '../render/fixes.js';
import { makeStyle } from '../render/style.js';
import { intOption } from '../util/io.js';

export function run({ mem, term }: Cli, opts: RecentOpts, days?: string): void {
  const r = mem.fixes.recent({ days: days === undefined ? undefined : intOption(days, 'days', 1, 36500), limit: intOption(opts.limit, '--limit', 1, 100_000) });
  if (term.json) term.outJson(r);
  else term.out(renderAttempts(makeStyle(term.color), r.attempts, mem.world.now()));
}
