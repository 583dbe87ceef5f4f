import type { Ctx } from '../context.js';
import { storeChecks, type Check } from '../maintenance/doctor.js';
import { makeStyle } from '../render/style.js';
import { backupDir } from './backup.js';

export function run(ctx: Ctx): void {
  const checks: Check[] = storeChecks(ctx, backupDir(ctx));
  const ok = checks.every((c) => c.status !== 'fail');
  if (!ok) process.exitCode = 1;
  if (ctx.json) return ctx.outJson({ ok, checks });
  const s = makeStyle(ctx.color);
  const mark = { ok: s.green('✓'), warn: s.yellow('!'), fail: s.red('✗') };
  for (const c of checks) ctx.out(`${mark[c.status]} ${c.name.padEnd(16)} ${c.detail}`);
  ctx.out(ok ? s.green('everything looks fine') : s.red('problems found (see ✗ above)'));
}
