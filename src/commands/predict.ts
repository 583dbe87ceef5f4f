import type { Cli } from '../cli/act.js';
import type { PredictOpts } from '../cli/register/predict.js';
import type { Prediction } from '../predict/api.js';
import { intOption } from '../util/io.js';

export async function run({ mem, term }: Cli, opts: PredictOpts): Promise<void> {
  const r = mem.predict.next({ topK: intOption(opts.topK ?? opts.limit, opts.topK === undefined ? '--limit' : '--top-k', 1, 20), context: opts.context, cwd: opts.cwd, session: opts.session, author: opts.author });
  if (term.json) return term.outJson(r);
  term.out(await render(term.color, r.predictions, r.context, r.empty));
}

/** Human output; chalk loads only here, so `--json` (the prompt's path) never pays for it. */
async function render(color: boolean, ps: Prediction[], context: string[], empty: string | null): Promise<string> {
  const { bar, makeStyle, safe } = await import('../render/style.js');
  const s = makeStyle(color);
  if (!ps.length) return s.dim(`no prediction: ${safe(empty ?? 'nothing learned yet')}`);
  const after = context.length ? s.dim(`after: ${safe(context[context.length - 1]!)}`) : s.dim('(no context)');
  const lines = ps.map((p, i) => {
    const head = `${s.bold(`${i + 1}.`)} ${safe(p.next_command)}`;
    const conf = `${bar(p.confidence, 1, 10).padEnd(10)} ${(p.confidence * 100).toFixed(0).padStart(3)}%`;
    const tmpl = p.template !== p.next_command ? s.dim(`   template: ${safe(p.template)}`) + '\n' : '';
    return `${head}\n   ${s.cyan(conf)}  ${s.dim(safe(p.reason))}\n${tmpl}`.trimEnd();
  });
  return [after, ...lines].join('\n');
}
