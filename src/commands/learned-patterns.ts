// mem patterns extract / learned / feedback: learned patterns over task memories. (Plain
// `mem patterns` lists fix-attempt patterns: commands/patterns.ts.) Rendering is small and lives here.
import type { Ctx } from '../context.js';
import { MemError, UsageError } from '../errors.js';
import { derive, describePattern } from '../memory/pattern-derive.js';
import { checkPatternType, PatternStore, type LearnedPattern } from '../memory/patterns.js';
import { matchInWorker } from '../memory/regex-worker.js';
import { compileUserRegex } from '../memory/safe-regex.js';
import { resolveScope } from '../memory/scope.js';
import { pct, safe, table, truncate, type Style, makeStyle } from '../render/style.js';
import { intOption } from '../util/io.js';

export async function extract(ctx: Ctx, opts: Record<string, unknown>): Promise<void> {
  if (typeof opts.match !== 'string') throw new UsageError('give the regular expression that selects the tasks with --match');
  const type = checkPatternType(opts.type);
  const minSamples = intOption(opts.minSamples ?? 3, '--min-samples', 1, 100_000);
  compileUserRegex(opts.match); // syntax and the static safety check, before any work
  const scope = resolveScope(opts.scope, ctx.env, ctx.cwd);
  const store = new PatternStore(ctx.db());
  const candidates = store.candidates(scope);
  const hits = candidates.length ? await matchInWorker(opts.match, candidates.map((c) => c.text)) : [];
  const samples = hits.map((i) => candidates[i]!);
  if (samples.length < minSamples) {
    throw new MemError(
      `only ${samples.length} task memor${samples.length === 1 ? 'y' : 'ies'} in scope ${scope} match /${opts.match}/ with a known outcome (of ${candidates.length} with one); --min-samples is ${minSamples}`,
      1,
      'too_few_samples',
    );
  }
  const derived = derive(samples);
  const { pattern, updated } = store.save({ type, match: opts.match, scope, description: describePattern(type, opts.match, derived), derived }, ctx.now());
  if (ctx.json) return ctx.outJson({ ...pattern, updated });
  ctx.out(`${updated ? 'updated' : 'learned'} pattern ${pattern.id}\n\n${renderPattern(makeStyle(ctx.color), pattern)}`);
}

export function learned(ctx: Ctx, opts: Record<string, unknown>): void {
  const patterns = new PatternStore(ctx.db()).list({
    type: opts.type === undefined ? undefined : checkPatternType(opts.type),
    scope: opts.scope === undefined ? undefined : resolveScope(opts.scope, ctx.env, ctx.cwd),
    limit: intOption(opts.limit ?? 20, '--limit', 1, 100_000),
  });
  if (ctx.json) return ctx.outJson({ patterns });
  const s = makeStyle(ctx.color);
  if (!patterns.length) return ctx.out(s.dim('no learned patterns yet (mem patterns extract --match REGEX --type success)'));
  const rows = patterns.map((p) => [p.id.slice(0, 8), p.type, truncate(p.match, 24), p.confidence.toFixed(2), `${p.successes}/${p.samples}`, `+${p.feedback.helpful} −${p.feedback.not_helpful}`, truncate(p.description, 70)]);
  ctx.out(table(s, ['id', 'type', 'match', 'confidence', 'succeeded', 'feedback', 'description'], rows));
}

export function feedback(ctx: Ctx, opts: Record<string, unknown>, id: string): void {
  if (Boolean(opts.helpful) === Boolean(opts.notHelpful)) throw new UsageError('say whether the pattern helped: --helpful or --not-helpful (one of them)');
  const adjust = Number(opts.adjust ?? 0.1);
  if (!(adjust > 0 && adjust <= 1)) throw new UsageError(`--adjust must be a number above 0 and at most 1, got '${String(opts.adjust)}'`);
  const p = new PatternStore(ctx.db()).feedback(id, Boolean(opts.helpful), adjust, ctx.now());
  if (ctx.json) return ctx.outJson(p);
  ctx.out(`${p.id}: confidence ${p.confidence.toFixed(3)} (helpful ${p.feedback.helpful}, not helpful ${p.feedback.not_helpful})`);
}

export function renderPattern(s: Style, p: LearnedPattern): string {
  const terms = (xs: { term: string; successes: number; failures: number }[]) =>
    xs.length ? xs.map((x) => `${safe(x.term)} ${s.dim(`(${x.successes} ok / ${x.failures} failed)`)}`).join(', ') : s.dim('none');
  return [
    `${s.bold(p.type)} pattern for /${safe(p.match)}/ in scope ${safe(p.scope)}: confidence ${s.cyan(p.confidence.toFixed(2))}, ${p.samples} samples, ${pct(p.samples ? p.successes / p.samples : 0)} succeeded`,
    safe(p.description),
    `${s.green('success indicators')}: ${terms(p.success_indicators)}`,
    `${s.red('failure indicators')}: ${terms(p.failure_indicators)}`,
    `${s.cyan('recommended context')}: ${p.recommended_context.length ? p.recommended_context.map((x) => `${safe(x.term)} ${s.dim(pct(x.share))}`).join(', ') : s.dim('none')}`,
  ].join('\n');
}
