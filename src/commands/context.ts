import type { Ctx } from '../context.js';
import { UsageError } from '../errors.js';
import { matchingPatterns, recommendations, relatedFixes, relatedWorkflows, sharedPractice, similarTasks, type TaskContext } from '../memory/context.js';
import { listWorkflows } from '../shell/workflows.js';
import { MemoryStore } from '../memory/store.js';
import { makeStyle, pct, safe } from '../render/style.js';
import { intOption } from '../util/io.js';
import { searchFilter, searchWithFallback } from './memory-common.js';

export async function run(ctx: Ctx, opts: Record<string, unknown>, task: string): Promise<void> {
  if (!task.trim()) throw new UsageError('describe the task: mem context "add OAuth login to the API"');
  const topK = intOption(opts.topK, '--top-k', 1, 50);
  const store = new MemoryStore(ctx.db());
  const filter = searchFilter(ctx, opts);
  const base = { query: task, topK, threshold: 0.3, mode: 'hybrid' as const };
  const [tasks, experiences] = await Promise.all(['task', 'experience'].map((kind) => searchWithFallback(ctx, store, { ...base, filter: { ...filter, kind } })));
  const hits = [...tasks!.results, ...experiences!.results].sort((a, b) => b.score - a.score).slice(0, topK);
  store.markReused(hits.map((h) => store.resolve(h.id).n), ctx.now());
  const partial = {
    task,
    similar_tasks: similarTasks(hits),
    matching_patterns: matchingPatterns(ctx.db(), task, filter.scope, topK),
    related_fixes: relatedFixes(ctx.db(), task, topK),
    related_workflows: relatedWorkflows(listWorkflows(ctx.db(), { minCount: 2, limit: 200 }), task, topK),
  };
  const practice = sharedPractice(hits.map((h) => ({ text: `${h.memory.title} ${h.memory.content}`, success: h.memory.success })));
  const result: TaskContext = { ...partial, recommendations: recommendations(partial, practice) };
  if (ctx.json) return ctx.outJson({ ...result, notice: tasks!.notice });
  if (tasks!.notice) ctx.err(`mem: ${tasks!.notice}`);
  const s = makeStyle(ctx.color);
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
  ctx.out(out.join('\n'));
}
