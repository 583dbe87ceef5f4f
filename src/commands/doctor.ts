import type { Cli } from '../cli/act.js';
import { makeStyle } from '../render/style.js';

export function run({ mem, term }: Cli): void {
  const { ok, checks } = mem.maintenance.doctor();
  if (!ok) process.exitCode = 1;
  if (term.json) return term.outJson({ ok, checks });
  const s = makeStyle(term.color);
  const mark = { ok: s.green('✓'), warn: s.yellow('!'), fail: s.red('✗') };
  for (const c of checks) term.out(`${mark[c.status]} ${c.name.padEnd(16)} ${c.detail}`);
  term.out(ok ? s.green('everything looks fine') : s.red('problems found (see ✗ above)'));
}
