import { resolve } from 'node:path';
import type { Ctx } from '../context.js';
import { freshen } from '../predict/freshen.js';
import { makeStyle, pct, safe } from '../render/style.js';
import { listWorkflows, type Workflow } from '../shell/workflows.js';
import { intOption } from '../util/io.js';

export function run(ctx: Ctx, opts: Record<string, unknown>): void {
  freshen(ctx);
  const workflows = listWorkflows(ctx.db(), {
    minCount: intOption(opts.minCount, '--min-count', 2),
    cwd: opts.cwd === undefined ? undefined : resolve(ctx.cwd, String(opts.cwd)),
    limit: intOption(opts.limit, '--limit', 1, 1000),
  });
  if (ctx.json) return ctx.outJson({ workflows });
  ctx.out(renderWorkflows(makeStyle(ctx.color), workflows));
}

export function renderWorkflows(s: ReturnType<typeof makeStyle>, ws: Workflow[]): string {
  if (!ws.length) return s.dim('no recurring workflow yet (sequences of 3+ commands seen in 2+ sessions)');
  return ws
    .map((w, i) => {
      const rate = w.success_rate === null ? 'outcome unknown' : `${pct(w.success_rate)} succeeded`;
      const head = `${s.bold(`${i + 1}.`)} ${w.occurrences}× in ${w.sessions} sessions, ${rate}${w.typical_directory ? s.dim(`, usually in ${safe(w.typical_directory)}`) : ''}`;
      return [head, ...w.steps.map((step) => `     ${s.cyan('›')} ${safe(step)}`)].join('\n');
    })
    .join('\n');
}
