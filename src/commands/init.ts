import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import type { Ctx } from '../context.js';
import { UsageError } from '../errors.js';
import { initScript, install, parseShell } from '../shell/init.js';
import { shellPaths } from '../shell/paths.js';

export function run(ctx: Ctx, opts: Record<string, unknown>, shell?: string): void {
  const bin = realpathSync(process.argv[1]!);
  if (opts.install !== undefined) {
    const r = install(parseShell(opts.install), ctx.env, bin);
    if (ctx.json) return ctx.outJson(r);
    return ctx.out(r.added ? `added to ${r.file}: ${r.line}\nopen a new shell (or run that line) to start recording` : `already installed in ${r.file}`);
  }
  if (!shell) throw new UsageError('which shell? `mem init zsh` or `mem init bash` (or `mem init --install zsh`)');
  ensureSpoolDir(ctx.env);
  const script = initScript(parseShell(shell), ctx.config, bin, process.execPath);
  if (ctx.json) ctx.outJson({ shell, script });
  else process.stdout.write(script);
}

/** The hooks write here with builtins; create it (0700) once now rather than in the hook. */
function ensureSpoolDir(env: NodeJS.ProcessEnv): void {
  const p = shellPaths(env);
  try {
    for (const dir of [p.dataDir, p.spool]) if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    // the hook tries again; mem doctor reports an unwritable directory
  }
}
