import type { Cli } from '../cli/act.js';
import type { ModelOpts } from '../cli/register/fixes.js';
import { renderModel } from '../render/fixes.js';
import { makeStyle } from '../render/style.js';
import { intOption } from '../util/io.js';

export function run({ mem, term }: Cli, opts: ModelOpts, name: string): void {
  const limit = intOption(opts.limit, '--limit', 1, 1000);
  if (opts.setNotes !== undefined) mem.fixes.setModelNotes(name, opts.setNotes);
  const { recent, ...insight } = mem.fixes.model(name, { limit });
  if (term.json) term.outJson({ ...insight, recent });
  else term.out(renderModel(makeStyle(term.color), insight, recent, mem.world.now()));
}
