import type { Cli } from '../cli/act.js';
import type { HistoryOpts } from '../cli/register/shell.js';
import { UsageError } from '../errors.js';
import { renderHistory } from '../render/shell.js';
import { makeStyle } from '../render/style.js';
import { intOption } from '../util/io.js';
import { parseSince } from '../util/time.js';

export function run({ mem, term }: Cli, opts: HistoryOpts): void {
  if (opts.session && opts.thisSession) throw new UsageError('give either --session or --this-session');
  let session = opts.session;
  if (opts.thisSession) {
    session = mem.world.env.MEM_SESSION;
    if (!session) throw new UsageError('--this-session needs the shell integration ($MEM_SESSION is not set): eval "$(mem init zsh)"');
  }
  const rows = mem.history.list({
    session,
    cwd: opts.cwd,
    failed: Boolean(opts.failed),
    since: opts.since === undefined ? undefined : parseSince(opts.since, mem.world.now()),
    ...(opts.author === 'agents' ? { authorKind: 'agent' as const } : opts.author === 'humans' ? { authorKind: 'human' as const } : { author: opts.author }),
    limit: intOption(opts.limit, '--limit', 1, 1_000_000),
  });
  if (term.json) term.outJson({ commands: rows });
  else term.out(renderHistory(makeStyle(term.color), rows, mem.world.now()));
}
