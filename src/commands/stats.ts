import type { Ctx } from '../context.js';
import { fixStats } from '../fixes/stats.js';
import { renderFixStats } from '../render/fixes.js';
import { makeStyle } from '../render/style.js';

export function run(ctx: Ctx): void {
  const stats = fixStats(ctx.db(), ctx.dbPath, ctx.now());
  if (ctx.json) ctx.outJson(stats);
  else ctx.out(renderFixStats(makeStyle(ctx.color), stats));
}
