// `mem add` of this build against another build (e.g. main before a change), interleaved: each
// round runs both back to back on stores of their own, each storing a new text on the normal path
// (the detached embedding worker is spawned and allowed to finish, as in add-ratio.mjs).
//   node bench/add-compare.mjs OTHER_BIN [runs]     e.g. /tmp/main-build/bin/mem 60
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const other = process.argv[2];
const runs = Number(process.argv[3] ?? 40);
if (!other) throw new Error('usage: node bench/add-compare.mjs OTHER_BIN [runs]');
const bins = { this: new URL('../bin/mem', import.meta.url).pathname, other };
const homes = Object.fromEntries(Object.keys(bins).map((k) => [k, mkdtempSync(join(tmpdir(), `mem-add-${k}-`))]));
const env = (k) => ({ ...process.env, MEM_HOME: homes[k], MEM_OFFLINE: '1', MEM_CONFIG: join(homes[k], 'none.toml') });
const time = (k, text) => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bins[k], 'add', text], { env: env(k), stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${bins[k]} add exited ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
};
const settle = (k) => {
  const lock = join(homes[k], 'embed.lock');
  for (let i = 0; i < 200 && existsSync(lock); i++) spawnSync('sleep', ['0.01']);
};
const t = { this: [], other: [] };
for (let i = 0; i < runs + 5; i++) {
  // Alternate which goes first, so neither always runs right after the other's worker.
  for (const k of i % 2 ? ['this', 'other'] : ['other', 'this']) {
    const ms = time(k, `benchmark memory number ${i}: the deploy needs the new certificate`);
    if (i >= 5) t[k].push(ms);
    settle(k);
  }
  spawnSync('sleep', ['0.05']);
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`mem add: this build ${med(t.this).toFixed(1)} ms, ${other} ${med(t.other).toFixed(1)} ms = ${(med(t.this) / med(t.other)).toFixed(2)}x (median of ${runs} interleaved pairs)`);
