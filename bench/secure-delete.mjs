// Issue #8 (defect 7): what `PRAGMA secure_delete = ON` (and FTS5 secure-delete) costs writes.
// Compares this build with another (e.g. a build of main from before the change), interleaved so
// machine load hits both alike: `mem add` (each storing a new text, normal path) against `node -e 0`,
// `mem rm --purge`, and `mem import-history` of 100,000 lines into a fresh store.
//   node bench/secure-delete.mjs OTHER_MEM_BIN [runs]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const other = process.argv[2];
if (!other) throw new Error('usage: node bench/secure-delete.mjs OTHER_MEM_BIN [runs]');
const runs = Number(process.argv[3] ?? 30);
const bins = { this: new URL('../bin/mem', import.meta.url).pathname, other };
const work = mkdtempSync(join(tmpdir(), 'mem-sd-'));
const envOf = (name) => ({ ...process.env, MEM_HOME: join(work, name), MEM_OFFLINE: '1', MEM_EMBEDDING_PROVIDER: 'none', MEM_CONFIG: join(work, 'none.toml') });
const time = (args, env) => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, out: r.stdout };
};
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

// mem add and mem rm --purge on stores that already hold 2,000 memories (so pages are shared).
const seed = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ content: `seed memory ${i}: ${'lorem ipsum dolor sit amet '.repeat(4)}`, kind: 'note' })).join('\n');
writeFileSync(join(work, 'seed.jsonl'), seed + '\n');
for (const [name, bin] of Object.entries(bins)) time([bin, 'add', '--bulk', join(work, 'seed.jsonl')], envOf(name));
const t = { node: [], add: { this: [], other: [] }, purge: { this: [], other: [] } };
for (let i = 0; i < runs; i++) {
  t.node.push(time(['-e', '0'], process.env).ms);
  for (const [name, bin] of Object.entries(bins)) {
    const env = envOf(name);
    const added = time([bin, 'add', `benchmark memory number ${i}: the deploy needs the new certificate ${'x'.repeat(i % 7)}`, '--json'], env);
    t.add[name].push(added.ms);
    t.purge[name].push(time([bin, 'rm', JSON.parse(added.out).id, '--purge'], env).ms);
  }
}
const n = med(t.node);
for (const what of ['add', 'purge']) {
  const a = med(t[what].this);
  const b = med(t[what].other);
  console.log(`mem ${what === 'add' ? 'add' : 'rm --purge'}: this ${a.toFixed(1)} ms (${(a / n).toFixed(2)}x node -e 0), other ${b.toFixed(1)} ms (${(b / n).toFixed(2)}x); this/other ${(a / b).toFixed(2)} (medians of ${runs} interleaved runs; node -e 0 ${n.toFixed(1)} ms)`);
}

// 100,000 imported lines, alternating builds.
const hist = join(work, 'h100k');
writeFileSync(hist, spawnSync(process.execPath, [new URL('gen-history.mjs', import.meta.url).pathname, '100000'], { maxBuffer: 1 << 30 }).stdout);
const imp = { this: [], other: [] };
for (let i = 0; i < 5; i++) {
  for (const [name, bin] of Object.entries(bins)) {
    const env = envOf(`imp-${name}`);
    if (existsSync(env.MEM_HOME)) rmSync(env.MEM_HOME, { recursive: true });
    // The import alone: import-history learns what it imported unless --no-learn (where the build has it).
    const noLearn = spawnSync(bin, ['import-history', '--help'], { encoding: 'utf8' }).stdout.includes('--no-learn') ? ['--no-learn'] : [];
    imp[name].push(time([bin, 'import-history', ...noLearn, '--shell', 'zsh', hist], env).ms);
  }
}
console.log(`import-history 100k: this ${(med(imp.this) / 1000).toFixed(2)} s, other ${(med(imp.other) / 1000).toFixed(2)} s; this/other ${(med(imp.this) / med(imp.other)).toFixed(2)} (medians of 5 alternating runs)`);
rmSync(work, { recursive: true, force: true });
