import type { Ctx } from '../context.js';
import { buildContext } from '../fixes/context.js';
import { renderContext } from '../render/context.js';
import { issueFromOptions, limitOption } from './issue-input.js';

export function run(ctx: Ctx, opts: Record<string, unknown>): void {
  const context = buildContext(ctx.db(), issueFromOptions(opts), limitOption(opts));
  if (ctx.json) ctx.outJson(context);
  else ctx.out(renderContext(context));
}
