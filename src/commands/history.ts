import { resolve } from 'node:path';
import type { Ctx } from '../context.js';
import { UsageError } from '../errors.js';
import { renderHistory } from '../render/shell.js';
import { makeStyle } from '../render/style.js';
import { ingestPending } from '../shell/pending.js';
import { ShellStore } from '../shell/store.js';
import { intOption } from '../util/io.js';
import { parseSince } from '../util/time.js';

export function run(ctx: Ctx, opts: Record<string, unknown>): void {
  if (opts.session && opts.thisSession) throw new UsageError('give either --session or --this-session');
  let session = opts.session as string | undefined;
  if (opts.thisSession) {
    session = ctx.env.MEM_SESSION;
    if (!session) throw new UsageError('--this-session needs the shell integration ($MEM_SESSION is not set): eval "$(mem init zsh)"');
  }
  const query = {
    session,
    cwd: opts.cwd === undefined ? undefined : resolve(ctx.cwd, String(opts.cwd)),
    failed: Boolean(opts.failed),
    since: opts.since === undefined ? undefined : parseSince(String(opts.since), ctx.now()),
    limit: intOption(opts.limit, '--limit', 1, 1_000_000),
  };
  ingestPending(ctx, 0);
  const rows = new ShellStore(ctx.db()).history(query);
  if (ctx.json) ctx.outJson({ commands: rows });
  else ctx.out(renderHistory(makeStyle(ctx.color), rows, ctx.now()));
}
