// `mem add` against `node -e 0`, interleaved (each pair runs back to back, so machine load hits
// both alike), every `mem add` storing a new text on the normal path (the detached embedding
// worker is spawned). Medians of wall time. Target: mem add <= 1.5x node -e 0.
//   node bench/add-ratio.mjs [runs]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runs = Number(process.argv[2] ?? 40);
const bin = new URL('../bin/mem', import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), 'mem-add-'));
const env = { ...process.env, MEM_HOME: home, MEM_OFFLINE: '1', MEM_CONFIG: join(home, 'none.toml') };
const time = (args, e = env) => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env: e, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
};
const settle = () => {
  // Let the previous run's detached worker finish, as a person typing would.
  const lock = join(home, 'embed.lock');
  for (let i = 0; i < 200 && existsSync(lock); i++) spawnSync('sleep', ['0.01']);
  spawnSync('sleep', ['0.05']);
};
for (let i = 0; i < 5; i++) (time(['-e', '0']), time([bin, 'add', `warm-up ${i}`]), settle());
const node = [];
const add = [];
for (let i = 0; i < runs; i++) {
  node.push(time(['-e', '0']));
  add.push(time([bin, 'add', `benchmark memory number ${i}: the deploy needs the new certificate`]));
  settle();
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const count = JSON.parse(spawnSync(process.execPath, [bin, 'list', '--json', '--all-scopes', '--per-page', '1'], { env, encoding: 'utf8' }).stdout).meta.total;
console.log(`node -e 0 ${med(node).toFixed(1)} ms, mem add ${med(add).toFixed(1)} ms = ${(med(add) / med(node)).toFixed(2)}x (median of ${runs} interleaved pairs; ${count} memories stored; target <= 1.5x)`);
