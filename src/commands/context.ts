import type { Cli } from '../cli/act.js';
import type { ContextOpts } from '../cli/register/memory.js';
import { makeStyle, pct, safe } from '../render/style.js';
import { intOption } from '../util/io.js';

export async function run({ mem, term }: Cli, opts: ContextOpts, task: string): Promise<void> {
  const result = await mem.taskContext(task, { scope: opts.scope, allScopes: Boolean(opts.allScopes), topK: intOption(opts.topK ?? opts.limit, opts.topK === undefined ? '--limit' : '--top-k', 1, 50) });
  const { notice_said, ...data } = result;
  if (term.json) return term.outJson(data);
  if (!notice_said) term.notice(result.notice);
  const s = makeStyle(term.color);
  const out = [s.bold(`Context for: ${safe(task)}`), '', s.bold('Recommendations'), ...result.recommendations.map((r) => `  • ${safe(r)}`)];
  if (result.similar_tasks.length) {
    out.push('', s.bold('Similar tasks'));
    for (const t of result.similar_tasks) {
      const mark = t.success === null ? s.dim('·') : t.success ? s.green('✓') : s.red('✗');
      out.push(`  ${mark} ${s.cyan(t.similarity.toFixed(2))} ${safe(t.title || t.snippet.slice(0, 70))} ${s.dim(t.id.slice(0, 8))}`);
    }
  }
  if (result.related_workflows.length) {
    out.push('', s.bold('Related shell workflows'));
    for (const w of result.related_workflows) out.push(`  ${w.steps.map(safe).join(' → ')}  ${s.dim(`${w.occurrences}×`)}`);
  }
  if (result.related_fixes.length) {
    out.push('', s.bold('Related fix patterns'));
    for (const f of result.related_fixes) out.push(`  ${safe(f.name)}  ${f.attempts} attempts, ${pct(f.success_rate)} fixed`);
  }
  term.out(out.join('\n'));
}
