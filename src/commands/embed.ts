// mem embed: run the embedding worker in the foreground (with progress), or detached (--worker),
// or report (--status); --retry-failed and --reembed queue work first.
import type { Cli } from '../cli/act.js';
import type { EmbedOpts } from '../cli/register/memory.js';
import { makeStyle } from '../render/style.js';

export async function run({ mem, term }: Cli, opts: EmbedOpts): Promise<void> {
  if (opts.status) return status({ mem, term });
  if (opts.worker) return mem.memories.embedInBackground();
  const bar = term.progress('embedding');
  const report = await mem.memories.embed({ retryFailed: Boolean(opts.retryFailed), reembed: Boolean(opts.reembed), onProgress: bar.update }).finally(() => bar.done());
  if (term.json) return term.outJson(report);
  term.out(`embedded ${report.embedded} memories with ${report.model}${report.failed ? `, ${report.failed} failed` : ''}${report.near_duplicates ? `, ${report.near_duplicates} near-duplicates flagged` : ''}`);
}

function status({ mem, term }: Cli): void {
  const out = mem.memories.embedStatus();
  if (term.json) return term.outJson(out);
  const s = makeStyle(term.color);
  const c = out.counts;
  term.out(`pending ${c.pending}  processing ${c.processing}  completed ${s.green(String(c.completed))}  failed ${c.failed ? s.red(String(c.failed)) : 0}`);
  term.out(`provider ${out.provider}${out.models.length ? `; models: ${out.models.map((m) => `${m.model} (${m.count})`).join(', ')}` : ''}`);
  if (out.unavailable) term.out(s.yellow(`embedding unavailable: ${out.unavailable}`));
}
