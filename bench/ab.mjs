// A/B wall time of one mem command in two builds, interleaved run by run (A, B, A, B, ...), so
// that this machine's drifting speed weighs on both alike. For start-up claims such as "the MCP
// server costs `mem --version` and `mem predict` nothing".
//
//   node bench/ab.mjs --base ../other-checkout [--runs 60] -- --version
//   MEM_HOME=/path/to/store node bench/ab.mjs --base /tmp/wt-main -- predict --json
//
// The base is another checkout, built (`git worktree add /tmp/wt-main main && npm run build`
// there); B is this one. Prints medians, p90 and the ratio B / A of the medians.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
const opts = sep < 0 ? argv : argv.slice(0, sep);
const args = sep < 0 ? ['--version'] : argv.slice(sep + 1);
const opt = (name, dflt) => (opts.includes(`--${name}`) ? opts[opts.indexOf(`--${name}`) + 1] : dflt);
const base = opt('base');
if (!base) {
  console.error('usage: node bench/ab.mjs --base OTHER_CHECKOUT [--runs N] -- MEM_ARGS...');
  process.exit(2);
}
const runs = Number(opt('runs', 60));
const bins = { A: join(base, 'bin', 'mem'), B: new URL('../bin/mem', import.meta.url).pathname };
const times = { A: [], B: [] };
const once = (which) => {
  const t = performance.now();
  const r = spawnSync(process.execPath, [bins[which], ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${bins[which]} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return ms;
};
for (let i = 0; i < 5; i++) once('A'), once('B'); // warm-up
for (let i = 0; i < runs; i++) {
  const order = i % 2 ? ['B', 'A'] : ['A', 'B'];
  for (const w of order) times[w].push(once(w));
}
const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)];
const line = (w) => `${w} ${bins[w]}: median ${q(times[w], 0.5).toFixed(1)} ms, p90 ${q(times[w], 0.9).toFixed(1)} ms`;
console.log(`mem ${args.join(' ')} (${runs} runs each, interleaved)`);
console.log(line('A'));
console.log(line('B'));
console.log(`B / A (medians): ${(q(times.B, 0.5) / q(times.A, 0.5)).toFixed(3)}`);
