// mem fix last: the last failed command of this session and what worked after it before.
import type { Cli } from '../cli/act.js';
import type { FixLastOpts } from '../cli/register/fixes.js';
import type { FixLast } from '../fixes/api.js';
import { ago, makeStyle, pct, safe, type Style } from '../render/style.js';
import { intOption } from '../util/io.js';

export async function run({ mem, term }: Cli, opts: FixLastOpts): Promise<void> {
  const r = await mem.fixes.last({ session: opts.session, id: opts.id === undefined ? undefined : intOption(opts.id, '--id', 1), limit: intOption(opts.limit, '--limit', 1, 50) });
  if (term.json) return term.outJson(r);
  term.out(render(makeStyle(term.color), r, mem.world.now()));
}

function render(s: Style, r: FixLast, now: number): string {
  if (!r.failed) return s.dim(r.empty ?? 'no failed command recorded');
  const f = r.failed;
  const out = [`${s.bold('last failure:')} ${safe(f.command)}  ${s.dim(`exit ${f.exit_code}, ${ago(Date.parse(f.timestamp), now)}${f.cwd ? `, in ${safe(f.cwd)}` : ''}`)}`];
  if (r.next.length) {
    out.push('', s.bold('what worked next before:'));
    r.next.forEach((n, i) => out.push(`${s.bold(`${i + 1}.`)} ${s.cyan(safe(n.command))}`, `   ${s.dim(safe(n.reason))}`));
  }
  if (r.fix_attempts.length) {
    out.push('', s.bold('fix attempts:'));
    for (const p of r.fix_attempts) out.push(`- ${safe(p.name)}: ${safe((p.best_fix ?? []).join(' && '))} ${s.dim(`(worked ${pct(p.success_rate)} of ${p.attempts})`)}`);
  }
  if (r.memories.length) {
    out.push('', s.bold('memories:'));
    for (const m of r.memories) out.push(`- ${m.id.slice(0, 8)} [${m.kind}] ${safe(m.title || m.snippet)} ${s.dim(`(score ${m.score.toFixed(2)})`)}`);
  }
  if (r.empty) out.push('', s.dim(r.empty));
  return out.join('\n');
}
