import { createInterface } from 'node:readline/promises';
import { outcomeOf } from '../cli/outcome.js';
import type { Cli } from '../cli/act.js';
import type { HistoryOpts, HistoryRmOpts } from '../cli/register/shell.js';
import { UsageError } from '../errors.js';
import { compileFormat, renderHistory, renderRemoval } from '../render/shell.js';
import { makeStyle } from '../render/style.js';
import { intOption } from '../util/io.js';
import { parseSince } from '../util/time.js';

export function run({ mem, term }: Cli, opts: HistoryOpts, query: string[] = []): void {
  if (opts.session && opts.thisSession) throw new UsageError('give either --session or --this-session');
  const modes = (['fuzzy', 'prefix', 'regex'] as const).filter((m) => opts[m]);
  if (modes.length > 1) throw new UsageError(`give one of --${modes.join(', --')}`);
  const outputs = [opts.format !== undefined && '--format', opts.cmdOnly && '--cmd-only'].filter(Boolean);
  if (outputs.length > 1) throw new UsageError('give either --format or --cmd-only');
  if (opts.since !== undefined && opts.after !== undefined) throw new UsageError('give either --since or --after (the same thing)');
  const line = opts.cmdOnly ? compileFormat('{cmd}') : opts.format !== undefined ? compileFormat(opts.format) : null;
  let session = opts.session;
  if (opts.thisSession) {
    session = mem.world.env.MEM_SESSION;
    if (!session) throw new UsageError('--this-session needs the shell integration ($MEM_SESSION is not set): mem init --install zsh');
  }
  const now = mem.world.now();
  const since = opts.since ?? opts.after;
  const result = mem.history.query({
    query: query.join(' ') || undefined,
    match: modes[0] ?? 'substring',
    session,
    cwd: opts.cwd,
    host: opts.host,
    author: opts.author,
    outcome: outcomeOf(opts),
    exit: opts.exit === undefined ? undefined : intOption(opts.exit, '--exit', -1_000_000, 1_000_000),
    since: since === undefined ? undefined : parseSince(since, now),
    before: opts.before === undefined ? undefined : parseSince(opts.before, now),
    limit: intOption(opts.limit, '--limit', 1, 1_000_000),
    newestFirst: Boolean(opts.reverse),
  });
  if (term.json) return term.outJson(result);
  term.notice(result.notice);
  if (line || opts.print0) {
    // For scripts: data only on stdout; why nothing matched goes to stderr.
    if (!result.commands.length) term.notice(result.empty);
    const end = opts.print0 ? '\0' : '\n';
    term.write(result.commands.map((r) => (line ?? compileFormat('{cmd}'))(r) + end).join(''));
    return;
  }
  term.out(renderHistory(makeStyle(term.color), result.commands, now, result.empty));
}

export async function rm({ mem, term }: Cli, opts: HistoryRmOpts, ids: string[] = []): Promise<void> {
  if (ids.length && opts.match !== undefined) throw new UsageError('give either ids or --match, not both');
  if (!ids.length && opts.match === undefined) throw new UsageError('give the ids of the commands to delete (mem history --format \'{id}\\t{cmd}\'), or --match REGEX');
  const target = opts.match !== undefined ? { match: opts.match } : ids.map((id) => intOption(id, 'id', 1));
  const style = makeStyle(term.color);
  const preview = mem.history.remove(target, { dryRun: true });
  if (opts.dryRun || !preview.commands.length) {
    if (term.json) return term.outJson(preview);
    return term.out(renderRemoval(style, preview, mem.world.now()));
  }
  if (!opts.yes) {
    const n = preview.commands.length;
    if (!term.stdinTty || term.json) throw new UsageError(`this deletes ${n} command${n === 1 ? '' : 's'} and what was learned from them; give --yes to confirm (--dry-run shows them)`);
    term.err(renderHistory(style, preview.commands.slice(-20), mem.world.now(), null) + (n > 20 ? `\n… and ${n - 20} more` : ''));
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question(`Delete ${n === 1 ? 'this command' : `these ${n} commands`} and what was learned from them? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) return term.err('mem: nothing deleted');
  }
  // Exactly the commands shown: a command captured since the preview is not deleted unseen.
  const bar = term.progress('relearning predictions');
  const report = mem.history.remove(preview.commands.map((r) => r.id), { onProgress: (d, t) => bar.update(d, t) });
  bar.done();
  if (term.json) return term.outJson({ ...report, timed_out: preview.timed_out });
  term.out(renderRemoval(style, { ...report, timed_out: preview.timed_out }, mem.world.now()));
}
