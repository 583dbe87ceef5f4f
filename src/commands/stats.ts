import type { Ctx } from '../context.js';
import { fixStats } from '../fixes/stats.js';
import { renderFixStats } from '../render/fixes.js';
import { renderShellStats } from '../render/shell.js';
import { makeStyle } from '../render/style.js';
import { ingestPending } from '../shell/pending.js';
import { shellStats } from '../shell/stats.js';

export function run(ctx: Ctx): void {
  ingestPending(ctx, 0);
  const db = ctx.db();
  const stats = { ...fixStats(db, ctx.dbPath, ctx.now()), shell: shellStats(db, ctx.now()) };
  if (ctx.json) return ctx.outJson(stats);
  const s = makeStyle(ctx.color);
  ctx.out(renderFixStats(s, stats) + '\n\n' + renderShellStats(s, stats.shell));
}
