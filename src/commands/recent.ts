import type { Ctx } from '../context.js';
import { FixStore } from '../fixes/store.js';
import { renderAttempts } from '../render/fixes.js';
import { makeStyle } from '../render/style.js';
import { intOption } from '../util/io.js';

export function run(ctx: Ctx, opts: Record<string, unknown>, days?: string): void {
  const n = days === undefined ? 7 : intOption(days, 'days', 1, 36500);
  const attempts = new FixStore(ctx.db()).since(ctx.now() - n * 86_400_000, intOption(opts.limit, '--limit', 1, 100_000));
  if (ctx.json) ctx.outJson({ days: n, attempts });
  else ctx.out(renderAttempts(makeStyle(ctx.color), attempts, ctx.now()));
}
