// Start-up of mem's most frequent commands as a ratio to a bare `node -e 0`, for this build and,
// optionally, another one, every command interleaved run by run (node, A, B, node, A, B, ...) so
// that this machine's drifting speed weighs on all of them alike.
//
//   node bench/startup.mjs [--base OTHER_CHECKOUT] [--runs 40]
//
// Each build gets its own store (MEM_HOME in a temp dir) holding 2,000 captured commands, so that
// `mem predict` has statistics to read and `mem add` a store to write to. Prints, per command and
// build, the median wall time and its ratio to the median of `node -e 0`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const runs = Number(opt('runs', 40));
const base = opt('base');
const builds = { this: new URL('../bin/mem', import.meta.url).pathname };
if (base) builds.base = join(base, 'bin', 'mem');

const dirs = [];
const envs = {};
for (const [name, bin] of Object.entries(builds)) {
  const home = mkdtempSync(join(tmpdir(), `mem-startup-${name}-`));
  dirs.push(home);
  const env = { ...process.env, MEM_HOME: home, MEM_NO_WORKER: '1', MEM_OFFLINE: '1', MEM_EMBEDDING_PROVIDER: 'none', NO_COLOR: '1' };
  delete env.MEM_DB;
  envs[name] = env;
  const hist = join(home, 'zsh_history');
  const cmds = ['git status', 'git add -A', 'git commit -m wip', 'npm test', 'ls', 'cd src', 'vim main.ts', 'make'];
  writeFileSync(hist, Array.from({ length: 2000 }, (_, i) => `: ${1_700_000_000 + i * 30}:0;${cmds[i % cmds.length]}`).join('\n') + '\n');
  const r = spawnSync(process.execPath, [bin, 'import-history', '--shell', 'zsh', hist], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} import-history: ${r.stderr}`);
  spawnSync(process.execPath, [bin, 'predict'], { env }); // learns what the import brought
}

const commands = { '--version': ['--version'], predict: ['predict'], add: ['add', 'a note'] };
let n = 0;
const once = (bin, args, env) => {
  const t = performance.now();
  const a = args[0] === 'add' ? ['add', `a note ${n++}`] : args;
  const r = spawnSync(process.execPath, bin ? [bin, ...a] : ['-e', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${bin ?? 'node'} ${a.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return ms;
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

try {
  for (const [label, args] of Object.entries(commands)) {
    const times = { node: [] };
    for (const name of Object.keys(builds)) times[name] = [];
    for (let i = 0; i < 3; i++) for (const [name, bin] of Object.entries(builds)) once(bin, args, envs[name]); // warm-up
    for (let i = 0; i < runs; i++) {
      times.node.push(once(null, [], process.env));
      const order = i % 2 ? Object.keys(builds).reverse() : Object.keys(builds);
      for (const name of order) times[name].push(once(builds[name], args, envs[name]));
    }
    const node = median(times.node);
    const cells = Object.keys(builds).map((name) => `${name} ${median(times[name]).toFixed(0)} ms = ${(median(times[name]) / node).toFixed(2)}×`);
    console.log(`mem ${label.padEnd(9)} node -e 0 ${node.toFixed(0)} ms; ${cells.join('; ')}`);
  }
} finally {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
