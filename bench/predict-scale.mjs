// Scale check: learn a ~110k-command history (the shared zsh files, concatenated three times)
// into the in-memory stats, then time single predictions at the end (p50 / p99 / max).
//   node bench/predict-scale.mjs [copies=3]
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
const DATA = resolve(ROOT, '../shared/data/histories/zsh-dev');
const copies = Number(process.argv[2] ?? 3);

const dir = mkdtempSync(join(tmpdir(), 'mem-predict-'));
const out = join(dir, 'bundle.mjs');
const entry = `export { MemoryStats } from './src/predict/memory-stats.ts';
export { Predictor } from './src/predict/predictor.ts';
export { parseHistory } from './src/shell/import/index.ts';`;
await build({ stdin: { contents: entry, resolveDir: ROOT, loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'warning' });
const { MemoryStats, Predictor, parseHistory } = await import(pathToFileURL(out).href);
rmSync(dir, { recursive: true, force: true });

const one = ['u01', 'u02', 'u03', 'u07'].flatMap((u) => parseHistory(readFileSync(join(DATA, `${u}.zsh_history`)), 'zsh').entries.map((e) => ({ command: e.command, ts: e.ts })));
const events = Array.from({ length: copies }, () => one).flat();
const predictor = new Predictor(new MemoryStats());

let t = performance.now();
for (const e of events) predictor.observe(e);
const learnMs = performance.now() - t;
console.log(`learned ${events.length} commands in ${(learnMs / 1000).toFixed(1)} s (${((1000 * learnMs) / events.length).toFixed(1)} µs each)`);

const times = [];
for (let i = 0; i < 2000; i++) {
  const at = 8 + ((i * 7919) % (one.length - 8));
  const recent = one.slice(at - 8, at);
  t = performance.now();
  predictor.predict({ recent, now: recent[recent.length - 1].ts ?? 0, k: 3 });
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(2);
console.log(`predict (k=3) at ${events.length} commands: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${times[times.length - 1].toFixed(2)} ms`);
const mem = process.memoryUsage();
console.log(`heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`);
