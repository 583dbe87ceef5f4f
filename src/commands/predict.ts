import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { Ctx } from '../context.js';
import { UsageError } from '../errors.js';
import { freshen } from '../predict/freshen.js';
import { loadPredictor } from '../predict/learner.js';
import { SqlStats } from '../predict/sql-stats.js';
import type { CommandEvent, Prediction } from '../predict/types.js';
import { intOption } from '../util/io.js';

export async function run(ctx: Ctx, opts: Record<string, unknown>): Promise<void> {
  const k = intOption(opts.topK, '--top-k', 1, 20);
  const { remaining } = freshen(ctx);
  const stats = new SqlStats(ctx.db());
  const now = ctx.now();
  const cwd = opts.cwd === undefined ? ctx.cwd : resolve(ctx.cwd, String(opts.cwd));
  let recent: CommandEvent[];
  const given = opts.context as string[] | undefined;
  if (given?.length) recent = given.map((command) => ({ command, ts: now, cwd, exit_code: null, session: null }));
  else {
    const session = (opts.session as string | undefined) ?? ctx.env.MEM_SESSION;
    if (opts.session !== undefined && !stats.stream(String(opts.session)).length) throw new UsageError(`no commands recorded for session '${String(opts.session)}'`);
    recent = session && stats.stream(session).length ? stats.stream(session) : stats.stream(stats.latestStream() ?? '');
  }
  // Ask for a few more than shown: suggestions that cannot run here (cd to a missing place) go.
  const predictions = loadPredictor(stats)
    .predict({ recent, cwd, now, k: k + 3 })
    .filter((p) => runnable(p.next_command, cwd))
    .slice(0, k);
  if (ctx.json) return ctx.outJson({ predictions, context: recent.slice(-3).map((e) => e.command), learning_backlog: remaining });
  ctx.out(await render(ctx, predictions, recent));
}

/** A `cd` into a directory that no longer exists is not worth suggesting. */
function runnable(line: string, cwd: string): boolean {
  const m = /^cd\s+(\S+)\s*$/.exec(line);
  if (!m || /[$`*?]/.test(m[1]!) || m[1] === '-') return true;
  const target = m[1]!.replace(/^~(?=$|\/)/, homedir()).replace(/^['"]|['"]$/g, '');
  return existsSync(resolve(cwd, target));
}

/** Human output; chalk loads only here, so `--json` (the prompt's path) never pays for it. */
async function render(ctx: Ctx, ps: Prediction[], recent: CommandEvent[]): Promise<string> {
  const { bar, makeStyle, safe } = await import('../render/style.js');
  const s = makeStyle(ctx.color);
  if (!ps.length) return s.dim('no prediction yet: mem learns from the commands you run (eval "$(mem init zsh)") or import (mem import-history)');
  const after = recent.length ? s.dim(`after: ${safe(recent[recent.length - 1]!.command)}`) : s.dim('(no context)');
  const lines = ps.map((p, i) => {
    const head = `${s.bold(`${i + 1}.`)} ${safe(p.next_command)}`;
    const conf = `${bar(p.confidence, 1, 10).padEnd(10)} ${(p.confidence * 100).toFixed(0).padStart(3)}%`;
    const tmpl = p.template !== p.next_command ? s.dim(`   template: ${safe(p.template)}`) + '\n' : '';
    return `${head}\n   ${s.cyan(conf)}  ${s.dim(safe(p.reason))}\n${tmpl}`.trimEnd();
  });
  return [after, ...lines].join('\n');
}
