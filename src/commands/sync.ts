import type { Cli } from '../cli/act.js';
import type { SyncOpts } from '../cli/register/sync.js';
import { UsageError } from '../errors.js';
import { renderSyncReport, renderSyncStatus } from '../render/sync.js';

export async function run({ mem, term }: Cli, opts: SyncOpts): Promise<void> {
  if ([opts.status, opts.watch].filter(Boolean).length > 1) throw new UsageError('give one of --status and --watch');
  if (opts.offline && !opts.status) throw new UsageError('--offline goes with --status');
  if (opts.status) {
    const s = await mem.sync.status({ offline: Boolean(opts.offline) });
    return term.json ? term.outJson(s) : term.out(renderSyncStatus(s));
  }
  if (opts.watch) {
    const stop = new AbortController();
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => stop.abort());
    await mem.sync.watch({
      signal: stop.signal,
      onSync: (r) => (term.json ? term.outJson(r) : r.pushed || r.pulled ? term.out(renderSyncReport(r)) : undefined),
      onError: (e) => term.err(`mem: ${e.message}`),
    });
    return;
  }
  const r = opts.quiet ? await mem.sync.sync() : await term.spin('syncing with the team hub', () => mem.sync.sync());
  if (term.json) term.outJson(r);
  else if (!opts.quiet) term.out(renderSyncReport(r));
}
