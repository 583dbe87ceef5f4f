import type { Ctx } from '../context.js';
import { fixStats } from '../fixes/stats.js';
import { renderFixStats } from '../render/fixes.js';
import { renderShellStats } from '../render/shell.js';
import { makeStyle } from '../render/style.js';
import { shellStats } from '../shell/stats.js';
import { listWorkflows } from '../shell/workflows.js';
import { freshen } from '../predict/freshen.js';
import { renderWorkflows } from './workflows.js';

export function run(ctx: Ctx): void {
  freshen(ctx);
  const db = ctx.db();
  const stats = { ...fixStats(db, ctx.dbPath, ctx.now()), shell: shellStats(db, ctx.now()), workflows: listWorkflows(db, { minCount: 3, limit: 5 }) };
  if (ctx.json) return ctx.outJson(stats);
  const s = makeStyle(ctx.color);
  const flows = stats.workflows.length ? `\n\n${s.bold('Top workflows')}\n${renderWorkflows(s, stats.workflows)}` : '';
  ctx.out(renderFixStats(s, stats) + '\n\n' + renderShellStats(s, stats.shell) + flows);
}
