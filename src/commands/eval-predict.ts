// mem eval predict: replays history files through exactly the predictor `mem predict` uses
// (in memory; the store is not touched), test-then-train, against two baselines.
import type { Cli } from '../cli/act.js';
import type { EvalPredictOpts } from '../cli/register/predict.js';
import type { EvalResult, ReplayFormat } from '../predict/api.js';
import { makeStyle, table } from '../render/style.js';
import { intOption } from '../util/io.js';

export function run({ mem, term }: Cli, opts: EvalPredictOpts, files: string[]): void {
  // commander checked both against their choices
  const format: ReplayFormat = opts.format;
  const granularity = opts.granularity;
  const bar = term.progress('replaying');
  const result = mem.predict.evaluateFiles(files, { format, granularity, k: intOption(opts.k, '--k', 1, 20), onProgress: bar.update });
  bar.done();
  if (term.json) return term.outJson(result);
  term.out(render(term.color, result));
}

function render(color: boolean, r: EvalResult): string {
  const s = makeStyle(color);
  const p = (x: number) => `${(x * 100).toFixed(1)}%`;
  const row = (name: string, n: number | string, x: EvalResult['macro'] & { scored?: number }) => [
    name,
    n,
    s.bold(p(x.top1)),
    s.bold(p(x.topk)),
    p(x.baselines.mfu.top1),
    p(x.baselines.mfu.topk),
    p(x.baselines.markov1_mfu.top1),
    p(x.baselines.markov1_mfu.topk),
    p(x.novel_top1_share),
    x.novel_top1_precision === null ? '-' : p(x.novel_top1_precision),
  ];
  const head = ['file', 'scored', 'mem top-1', `mem top-${r.k}`, 'mfu top-1', `mfu top-${r.k}`, 'markov1 top-1', `markov1 top-${r.k}`, 'novel top-1', 'novel right'];
  const rows = [...r.files.map((f) => row(f.file, f.scored, f)), row('macro', '', r.macro)];
  return `${s.bold(`Next-command prediction, ${r.granularity === 'full' ? 'full command line' : 'command name'}, k = ${r.k}`)}\n${table(s, head, rows, ['left', ...Array<'right'>(9).fill('right')])}\n${s.dim('novel: the first prediction is a line never run before;\nright: how often such a guess was')}`;
}
