import type { Cli } from '../cli/act.js';
import { renderFixStats } from '../render/fixes.js';
import { renderShellStats } from '../render/shell.js';
import { makeStyle } from '../render/style.js';
import { renderWorkflows } from './workflows.js';

export function run({ mem, term }: Cli): void {
  const stats = mem.stats();
  if (term.json) return term.outJson(stats);
  const s = makeStyle(term.color);
  const flows = stats.workflows.length ? `\n\n${s.bold('Top workflows')}\n${renderWorkflows(s, stats.workflows)}` : '';
  term.out(renderFixStats(s, stats) + '\n\n' + renderShellStats(s, stats.shell) + flows);
}
