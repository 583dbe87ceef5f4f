// `mem __ingest`: started detached by the shell hooks. Silent. With --daemon it stays a while,
// single-instance by lock, ingesting as soon as the spool changes, and leaves when idle.
import type { Cli } from '../cli/act.js';
import type { IngestOpts } from '../cli/register/shell.js';

export async function run({ mem, term }: Cli, opts: IngestOpts): Promise<void> {
  if (opts.daemon) return mem.runIngester();
  const report = mem.ingestOnce(opts.learnAll ? Infinity : undefined);
  if (term.json) term.outJson(report);
}
