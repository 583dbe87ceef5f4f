// mem eval predict: replays history files through exactly the predictor `mem predict` uses
// (in memory; the store is not touched), test-then-train, against two baselines.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Ctx } from '../context.js';
import { UsageError } from '../errors.js';
import { evaluate, type EvalResult } from '../predict/eval.js';
import type { CommandEvent } from '../predict/types.js';
import { progressBar } from '../render/progress.js';
import { makeStyle, table } from '../render/style.js';
import { parseHistory } from '../shell/import/index.js';
import { intOption } from '../util/io.js';

type Format = 'auto' | 'zsh' | 'bash' | 'plain';

function events(path: string, format: Format): CommandEvent[] {
  let data: Buffer;
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`${path} is a directory`);
    data = readFileSync(path);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  if (format === 'plain') {
    return data.toString('utf8').split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim()).map((command) => ({ command, ts: null }));
  }
  return parseHistory(data, format, path).entries.map((e) => ({ command: e.command, ts: e.ts }));
}

export function run(ctx: Ctx, opts: Record<string, unknown>, files: string[]): void {
  const format = String(opts.format) as Format;
  if (!['auto', 'zsh', 'bash', 'plain'].includes(format)) throw new UsageError(`--format must be auto, zsh, bash or plain, got '${format}'`);
  const granularity = String(opts.granularity);
  if (granularity !== 'full' && granularity !== 'name') throw new UsageError(`--granularity must be full or name, got '${granularity}'`);
  const k = intOption(opts.k, '--k', 1, 20);
  if (!files.length) throw new UsageError('give one or more history files to replay');
  const inputs = files.map((f) => ({ name: f, events: events(resolve(ctx.cwd, f), format) }));
  // Progress over all files: each file's positions start after the previous files' ones.
  const offsets = new Map<string, number>();
  let total = 0;
  for (const f of inputs) (offsets.set(f.name, total), (total += f.events.length));
  const bar = progressBar(!ctx.json && process.stderr.isTTY === true, 'replaying');
  const result = evaluate(inputs, { k, granularity }, (file, done) => bar.update((offsets.get(file) ?? 0) + done, total));
  bar.done();
  if (ctx.json) return ctx.outJson(result);
  ctx.out(render(ctx, result));
}

function render(ctx: Ctx, r: EvalResult): string {
  const s = makeStyle(ctx.color);
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
  return `${s.bold(`Next-command prediction, ${r.granularity === 'full' ? 'full command line' : 'command name'}, k = ${r.k}`)}\n${table(s, head, rows, ['left', ...Array<'right'>(9).fill('right')])}\n${s.dim('novel: the first prediction is a line never run before; right: how often such a guess was')}`;
}
