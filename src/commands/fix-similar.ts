import type { Ctx } from '../context.js';
import { findSimilar } from '../fixes/context.js';
import { renderSimilar } from '../render/fixes.js';
import { makeStyle } from '../render/style.js';
import { issueFromOptions, limitOption } from './issue-input.js';

export function run(ctx: Ctx, opts: Record<string, unknown>): void {
  const issue = issueFromOptions(opts);
  const similar = findSimilar(ctx.db(), issue, limitOption(opts));
  if (ctx.json) ctx.outJson(similar);
  else ctx.out(renderSimilar(makeStyle(ctx.color), issue, similar, ctx.now()));
}
