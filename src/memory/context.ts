// `mem context "TASK"`: where mem's memories meet. Similar past tasks and experiences with their
// outcomes, learned patterns that match, related fix-attempt patterns, and recommendations in
// words, derived from those.
import type { World } from '../core/world.js';
import { writeTx } from '../db/tx.js';
import { intIn, isStoreBusy, UsageError } from '../errors.js';
import { recordEvent } from '../events/store.js';
import type { Workflow } from '../predict/workflows.js';
import { redactString } from '../redact/index.js';
import { searchWithFallback } from './embedder.js';
import { resolveScope } from './scope.js';
import type { SearchHit } from './search.js';
import { MemoryStore } from './store/memories.js';
import { words } from './text.js';

export interface SimilarTask {
  id: string;
  kind: string;
  title: string;
  snippet: string;
  success: boolean | null;
  similarity: number;
  created_at: string;
}

/** Where task context looks beyond memories: other capabilities answer, each from its own store. */
export interface ContextSources {
  matchingPatterns(task: string, scope: string | undefined, limit: number): MatchingPattern[];
  relatedFixes(task: string, limit: number): RelatedFix[];
  workflows(): Workflow[];
}

export interface MatchingPattern {
  id: string;
  type: string;
  description: string;
  confidence: number;
  success_indicators: unknown;
  failure_indicators: unknown;
  recommended_context: unknown;
  overlap: number;
}

export interface RelatedFix {
  name: string;
  issue_signature: string;
  attempts: number;
  success_rate: number | null;
  best_fix: string[] | null;
}

export interface RelatedWorkflow {
  steps: string[];
  occurrences: number;
  success_rate: number | null;
  typical_directory: string | null;
}

export interface TaskContext {
  task: string;
  similar_tasks: SimilarTask[];
  matching_patterns: MatchingPattern[];
  related_fixes: RelatedFix[];
  related_workflows: RelatedWorkflow[];
  recommendations: string[];
}

export function similarTasks(hits: SearchHit[]): SimilarTask[] {
  return hits.map((h) => ({
    id: h.id,
    kind: h.kind,
    title: h.title,
    snippet: h.snippet,
    success: h.memory.success,
    similarity: h.score,
    created_at: h.memory.created_at,
  }));
}

/** Shell workflows whose commands mention the task's words (`deploy`, `migrate`, `test`...). */
export function relatedWorkflows(workflows: Workflow[], task: string, limit: number): RelatedWorkflow[] {
  const taskWords = new Set(words(task).filter((w) => w.length > 2));
  return workflows
    .map((w) => ({ w, overlap: new Set(words(w.steps.join(' ')).filter((x) => taskWords.has(x))).size }))
    .filter((x) => x.overlap > 0)
    .sort((a, b) => b.overlap - a.overlap || b.w.occurrences - a.w.occurrences)
    .slice(0, limit)
    .map(({ w }) => ({ steps: w.steps, occurrences: w.occurrences, success_rate: w.success_rate, typical_directory: w.typical_directory }));
}

/** Phrases (1-3 words) most successful similar tasks share and failed ones lack. */
export function sharedPractice(tasks: { text: string; success: boolean | null }[]): string | null {
  const ok = tasks.filter((t) => t.success === true);
  const bad = tasks.filter((t) => t.success === false);
  if (ok.length < 2) return null;
  const grams = (text: string) => {
    const w = words(text);
    const out = new Set<string>();
    for (let n = 1; n <= 3; n++) for (let i = 0; i + n <= w.length; i++) out.add(w.slice(i, i + n).join(' '));
    return out;
  };
  const okSets = ok.map((t) => grams(t.text));
  const badSets = bad.map((t) => grams(t.text));
  let best: { g: string; score: number } | null = null;
  for (const g of okSets[0]!) {
    const inOk = okSets.filter((s) => s.has(g)).length / ok.length;
    const inBad = bad.length ? badSets.filter((s) => s.has(g)).length / bad.length : 0;
    const score = inOk - inBad + g.split(' ').length * 0.01; // prefer longer phrases on ties
    if (inOk >= 0.75 && inOk - inBad >= 0.5 && (!best || score > best.score)) best = { g, score };
  }
  return best?.g ?? null;
}

export function recommendations(ctx: Omit<TaskContext, 'recommendations'>, practice: string | null): string[] {
  const out: string[] = [];
  const known = ctx.similar_tasks.filter((t) => t.success !== null);
  if (known.length) {
    const ok = known.filter((t) => t.success).length;
    out.push(`Similar tasks succeeded ${ok} time${ok === 1 ? '' : 's'} out of ${known.length}${practice ? `; the successful ones share "${practice}"` : ''}.`);
  } else if (ctx.similar_tasks.length) out.push(`${ctx.similar_tasks.length} similar memories found, none with a recorded outcome.`);
  else out.push('No similar task in memory yet: record how this one goes (mem add --kind task --success|--failure).');
  for (const p of ctx.matching_patterns.slice(0, 2)) {
    const rc = Array.isArray(p.recommended_context) ? (p.recommended_context as unknown[]).slice(0, 3).map((x) => (typeof x === 'string' ? x : (x as { term?: string }).term ?? JSON.stringify(x))).join(', ') : '';
    out.push(`Learned ${p.type} pattern (confidence ${p.confidence.toFixed(2)}): ${p.description}${rc ? ` Include: ${rc}.` : ''}`);
  }
  const flow = ctx.related_workflows[0];
  if (flow) {
    const rate = flow.success_rate === null ? '' : `, ${Math.round(flow.success_rate * 100)}% of the time successfully`;
    out.push(`Your shell history has a routine for this: ${flow.steps.join(' → ')} (${flow.occurrences} times${rate}).`);
  }
  for (const f of ctx.related_fixes.slice(0, 2)) {
    if (f.best_fix) out.push(`Related fix history: "${f.name}" was fixed ${Math.round((f.success_rate ?? 0) * 100)}% of ${f.attempts} times; best fix: ${f.best_fix.join(' && ')}.`);
  }
  return out;
}

/** Similar past tasks and experiences with their outcomes, and what else mem knows about the task. */
export async function taskContext(
  world: World,
  task: string,
  o: { scope?: string; allScopes?: boolean; topK?: number; /** memories not to offer as similar (the task's own) */ exclude?: readonly string[] },
  sources: ContextSources,
): Promise<TaskContext & { notice: string | null; notice_said?: boolean }> {
  if (!task.trim()) throw new UsageError('describe the task: mem context "add OAuth login to the API"');
  if (o.scope !== undefined && o.allScopes) throw new UsageError('give either a scope or all scopes, not both');
  const topK = o.topK === undefined ? 3 : intIn(o.topK, 'top_k', 1, 50);
  const scope = o.allScopes ? undefined : redactString(resolveScope(o.scope, world.env, world.cwd));
  const store = new MemoryStore(world.readDb());
  const base = { query: task, topK: topK + (o.exclude?.length ?? 0), threshold: 0.3, mode: 'hybrid' as const };
  const [tasks, experiences] = await Promise.all(['task', 'experience'].map((kind) => searchWithFallback(world, store, { ...base, filter: { scope, kind } })));
  const hits = [...tasks!.results, ...experiences!.results]
    .filter((h) => !o.exclude?.includes(h.id))
    .sort((a, b) => b.score - a.score)
    .slice(0, topK);
  if (hits.length) {
    const w = new MemoryStore(world.db());
    w.markReused(hits.map((h) => w.resolve(h.id).n), world.now());
  }
  const partial = {
    task,
    similar_tasks: similarTasks(hits),
    matching_patterns: sources.matchingPatterns(task, scope, topK),
    related_fixes: sources.relatedFixes(task, topK),
    related_workflows: relatedWorkflows(sources.workflows(), task, topK),
  };
  const practice = sharedPractice(hits.map((h) => ({ text: `${h.memory.title} ${h.memory.content}`, success: h.memory.success })));
  const context = { ...partial, recommendations: recommendations(partial, practice) };
  if (world.storeExists()) suggested(world, context);
  return { ...context, notice: tasks!.notice, notice_said: tasks!.notice_said };
}

/** Context handed out is an event (and so is each learned pattern it matched), for whoever follows. */
function suggested(world: World, c: TaskContext): void {
  const db = world.db();
  const now = world.now();
  const task = redactString(c.task).slice(0, 200); // secrets never reach the store, events included
  // The event is bookkeeping of a read: a store kept busy by another writer skips it, it does not fail the answer.
  try {
    writeTx(db, record);
  } catch (err) {
    if (!isStoreBusy(err)) throw err;
  }
  function record(): void {
    if (c.matching_patterns.length) {
      recordEvent(db, 'memory.pattern.matched', { task, patterns: c.matching_patterns.map((p) => ({ id: p.id, type: p.type, confidence: p.confidence })) }, now);
    }
    recordEvent(
      db,
      'memory.context.suggested',
      {
        task,
        similar_tasks: c.similar_tasks.map((t) => t.id),
        matching_patterns: c.matching_patterns.length,
        related_fixes: c.related_fixes.length,
        related_workflows: c.related_workflows.length,
        recommendations: c.recommendations.length,
      },
      now,
    );
  }
}
