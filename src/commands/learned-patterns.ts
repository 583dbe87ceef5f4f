// mem task-patterns [extract|feedback]: learned patterns over task memories. (`mem fix patterns`
// lists fix-attempt patterns: commands/patterns.ts.) Rendering is small and lives here.
import type { Cli } from '../cli/act.js';
import type { PatternsExtractOpts, PatternsFeedbackOpts, PatternsLearnedOpts } from '../cli/register/memory.js';
import { UsageError } from '../errors.js';
import type { LearnedPattern } from '../patterns/api.js';
import { makeStyle, pct, safe, table, truncate, type Style } from '../render/style.js';
import { intOption } from '../util/io.js';

export async function extract({ mem, term }: Cli, opts: PatternsExtractOpts): Promise<void> {
  if (opts.type === undefined) throw new UsageError("required option '--type <type>' not specified (success, failure or optimization)");
  const { pattern, updated } = await mem.patterns.extract({ match: opts.match, type: opts.type, minSamples: intOption(opts.minSamples, '--min-samples', 1, 100_000), scope: opts.scope });
  if (term.json) return term.outJson({ ...pattern, updated });
  term.out(`${updated ? 'updated' : 'learned'} pattern ${pattern.id}\n\n${renderPattern(makeStyle(term.color), pattern)}`);
}

export function learned({ mem, term }: Cli, opts: PatternsLearnedOpts): void {
  const patterns = mem.patterns.list({ type: opts.type, scope: opts.scope, limit: intOption(opts.limit, '--limit', 1, 100_000) });
  if (term.json) return term.outJson({ patterns });
  const s = makeStyle(term.color);
  if (!patterns.length) return term.out(s.dim('no learned patterns yet (mem task-patterns extract --match REGEX --type success)'));
  const rows = patterns.map((p) => [p.id.slice(0, 8), p.type, truncate(p.match, 24), p.confidence.toFixed(2), `${p.successes}/${p.samples}`, `+${p.feedback.helpful} −${p.feedback.not_helpful}`, truncate(p.description, 70)]);
  term.out(table(s, ['id', 'type', 'match', 'confidence', 'succeeded', 'feedback', 'description'], rows));
}

export function feedback({ mem, term }: Cli, opts: PatternsFeedbackOpts, id: string): void {
  if (Boolean(opts.helpful) === Boolean(opts.notHelpful)) throw new UsageError('say whether the pattern helped: --helpful or --not-helpful (one of them)');
  const adjust = Number(opts.adjust);
  if (!(adjust > 0 && adjust <= 1)) throw new UsageError(`--adjust must be a number above 0 and at most 1, got '${opts.adjust}'`);
  const p = mem.patterns.feedback(id, Boolean(opts.helpful), adjust);
  if (term.json) return term.outJson(p);
  term.out(`${p.id}: confidence ${p.confidence.toFixed(3)} (helpful ${p.feedback.helpful}, not helpful ${p.feedback.not_helpful})`);
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
