import type { Cli } from '../cli/act.js';
import type { ScopeOpts } from '../cli/register/memory.js';

/** Loads the starter set into the scope; identical entries are not added twice. */
export function seed({ mem, term }: Cli, opts: ScopeOpts): void {
  const r = mem.memories.seedKb({ scope: opts.scope });
  if (term.json) return term.outJson(r);
  term.out(`seeded ${r.added} memories into scope ${r.scope} (${r.already_present} already present)`);
}
