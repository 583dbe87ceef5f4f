import type { Ctx } from '../context.js';
import { listPatterns } from '../fixes/insights.js';
import { normalizeIssueType } from '../fixes/signature.js';
import { renderPatterns } from '../render/fixes.js';
import { makeStyle } from '../render/style.js';
import { intOption } from '../util/io.js';

export function run(ctx: Ctx, opts: Record<string, unknown>): void {
  const patterns = listPatterns(ctx.db(), {
    limit: intOption(opts.limit, '--limit', 1, 100_000),
    minAttempts: intOption(opts.minAttempts, '--min-attempts', 1),
    issueType: opts.issueType === undefined ? undefined : normalizeIssueType(String(opts.issueType)),
  });
  if (ctx.json) ctx.outJson({ patterns });
  else ctx.out(renderPatterns(makeStyle(ctx.color), patterns, ctx.now()));
}
