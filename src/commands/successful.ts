import type { Ctx } from '../context.js';
import { successfulStrategies } from '../fixes/insights.js';
import { normalizeIssueType } from '../fixes/signature.js';
import { renderSuccessful } from '../render/fixes.js';
import { makeStyle } from '../render/style.js';
import { intOption } from '../util/io.js';

export function run(ctx: Ctx, opts: Record<string, unknown>): void {
  const types = successfulStrategies(ctx.db(), {
    perType: intOption(opts.limit, '--limit', 1, 100),
    issueType: opts.issueType === undefined ? undefined : normalizeIssueType(String(opts.issueType)),
  });
  if (ctx.json) ctx.outJson({ issue_types: types });
  else ctx.out(renderSuccessful(makeStyle(ctx.color), types));
}
