import type { Cli } from '../cli/act.js';

export function run({ mem, term }: Cli, _opts: unknown, file?: string): void {
  if (file === undefined || file === '-') {
    mem.maintenance.exportTo(term.write);
    return;
  }
  const { path, counts } = mem.maintenance.exportFile(file);
  if (term.json) term.outJson({ path, counts });
  else term.out(`exported ${Object.entries(counts).map(([k, v]) => `${v} ${k.replace(/_/g, ' ')}`).join(', ')} to ${path}`);
}
