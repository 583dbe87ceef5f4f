import type { Cli } from '../cli/act.js';
import type { WorkflowsOpts } from '../cli/register/predict.js';
import type { Workflow } from '../predict/api.js';
import { makeStyle, pct, safe } from '../render/style.js';
import { intOption } from '../util/io.js';

export function run({ mem, term }: Cli, opts: WorkflowsOpts): void {
  const { workflows, empty } = mem.predict.workflowList({ minCount: intOption(opts.minCount, '--min-count', 2), cwd: opts.cwd, limit: intOption(opts.limit, '--limit', 1, 1000) });
  if (term.json) return term.outJson({ workflows, empty });
  term.out(renderWorkflows(makeStyle(term.color), workflows, empty));
}

export function renderWorkflows(s: ReturnType<typeof makeStyle>, ws: Workflow[], empty: string | null = null): string {
  if (!ws.length) return s.dim(empty ?? 'no recurring workflow yet (sequences of 3+ commands seen in 2+ sessions)');
  return ws
    .map((w, i) => {
      const rate = w.success_rate === null ? 'outcome unknown' : `${pct(w.success_rate)} succeeded`;
      const head = `${s.bold(`${i + 1}.`)} ${w.occurrences}× in ${w.sessions} sessions, ${rate}${w.typical_directory ? s.dim(`, usually in ${safe(w.typical_directory)}`) : ''}`;
      return [head, ...w.steps.map((step) => `     ${s.cyan('›')} ${safe(step)}`)].join('\n');
    })
    .join('\n');
}
