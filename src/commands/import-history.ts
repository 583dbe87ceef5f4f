import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Ctx } from '../context.js';
import { UsageError } from '../errors.js';
import { progressBar } from '../render/progress.js';
import { historyFilter } from '../shell/filters.js';
import { FORMAT_NAMES } from '../shell/import/index.js';
import { importHistory } from '../shell/import-history.js';

function defaultFile(env: NodeJS.ProcessEnv): string {
  const home = env.HOME ?? '';
  const fish = join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'fish', 'fish_history');
  const candidates = [env.HISTFILE, join(home, '.zsh_history'), join(home, '.bash_history'), fish].filter((f): f is string => Boolean(f));
  const found = candidates.find((f) => existsSync(f));
  if (!found) throw new UsageError(`no history file found (tried ${candidates.join(', ')}); name one: mem import-history FILE`);
  return found;
}

export function run(ctx: Ctx, opts: Record<string, unknown>, file?: string): void {
  const shell = String(opts.shell);
  if (![...FORMAT_NAMES, 'auto'].includes(shell)) throw new UsageError(`--shell must be ${FORMAT_NAMES.join(', ')} or auto, got '${shell}'`);
  const path = file ? resolve(ctx.cwd, file) : defaultFile(ctx.env);
  let data: Buffer;
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`${path} is a directory, not a history file`);
    data = readFileSync(path);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const progress = progressBar(ctx.tty && !ctx.json && process.stderr.isTTY === true, 'importing');
  const report = importHistory({
    db: ctx.db(),
    file: path,
    data,
    shell: shell as (typeof FORMAT_NAMES)[number] | 'auto',
    filter: historyFilter(ctx.config),
    fallbackTs: statSync(path).mtimeMs,
    now: ctx.now(),
    onProgress: progress.update,
  });
  progress.done();
  if (ctx.json) return ctx.outJson(report);
  for (const w of report.warnings.slice(0, 10)) ctx.err(`mem: warning: ${path}:${w.line}: ${w.message}`);
  if (report.warning_count > 10) ctx.err(`mem: warning: ${report.warning_count - 10} more (--json lists up to ${report.warnings.length})`);
  ctx.out(`imported ${report.added} new commands from ${path} (${report.shell}; ${report.entries} entries, ${report.already_present} already present, ${report.filtered} filtered${report.warning_count ? `, ${report.warning_count} repaired` : ''})`);
}
