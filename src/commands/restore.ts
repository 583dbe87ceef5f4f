import type { Cli } from '../cli/act.js';

export async function run({ mem, term }: Cli, _opts: unknown, file: string): Promise<void> {
  const r = await term.spin('restoring', () => mem.maintenance.restore(file));
  if (term.json) return term.outJson(r);
  const kept = r.corrupt_store_kept ? `; the broken store is kept at ${r.corrupt_store_kept}` : r.previous_copy ? `; the previous store is kept at ${r.previous_copy}` : '';
  term.out(`restored ${r.store} from ${r.restored_from}${kept}`);
}
