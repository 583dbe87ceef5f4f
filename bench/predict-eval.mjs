// Replays the shared zsh histories through the predictor (test-then-train) and prints ours vs the
// two baselines, per file and macro, full line and command name, top-1 and top-k, plus wall time,
// and how often the first prediction is a line never run before (and how often that was right).
//   node bench/predict-eval.mjs [--k 3] [--json out.json] [files...]
// The TypeScript sources are bundled on the fly with esbuild (no ts runner is installed).
import { build } from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
const DATA = resolve(ROOT, '../shared/data/histories/zsh-dev');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const k = Number(opt('--k', '3'));
const jsonOut = opt('--json', null);
const files = args.length ? args : ['u01', 'u02', 'u03', 'u07'].map((u) => join(DATA, `${u}.zsh_history`));

// Prefer the real importer; until it exists, a minimal private zsh reader.
const haveParser = existsSync(join(ROOT, 'src/shell/import/index.ts'));
const entry = [`export { evaluate } from './src/predict/eval.ts';`, haveParser ? `export { parseHistory } from './src/shell/import/index.ts';` : ''].join('\n');
// Inside the checkout (bench/out/), where the bundle's externals resolve from node_modules.
mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true });
const dir = mkdtempSync(join(ROOT, 'bench', 'out', 'predict-eval-'));
const out = join(dir, 'bundle.mjs');
await build({ stdin: { contents: entry, resolveDir: ROOT, loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'warning', external: ['better-sqlite3', 'sqlite-vec'] });
const mod = await import(pathToFileURL(out).href);
rmSync(dir, { recursive: true, force: true });

function privateZsh(buf) {
  const raw = Buffer.alloc(buf.length);
  let j = 0;
  for (let i = 0; i < buf.length; i++) raw[j++] = buf[i] === 0x83 && i + 1 < buf.length ? buf[++i] ^ 0x20 : buf[i];
  const entries = [];
  let cur = null;
  for (const line of raw.subarray(0, j).toString('utf8').split('\n')) {
    if (cur) cur.command += '\n' + line;
    else {
      const m = /^: (\d+):(\d+);([\s\S]*)$/.exec(line);
      if (!m) continue;
      cur = { command: m[3], ts: Number(m[1]) * 1000 };
      entries.push(cur);
    }
    if (cur.command.endsWith('\\')) cur.command = cur.command.slice(0, -1);
    else cur = null;
  }
  return entries;
}

const histories = files.map((f) => {
  const buf = readFileSync(f);
  const entries = haveParser ? mod.parseHistory(buf, 'zsh').entries : privateZsh(buf);
  return { name: basename(f).replace(/\.zsh_history$/, ''), events: entries.map((e) => ({ command: e.command, ts: e.ts })) };
});

const pct = (x) => (100 * x).toFixed(1).padStart(5);
const results = {};
const t0 = performance.now();
for (const granularity of ['full', 'name']) {
  const g0 = performance.now();
  const r = mod.evaluate(histories, { k, granularity });
  const secs = (performance.now() - g0) / 1000;
  results[granularity] = r;
  console.log(`\n${granularity === 'full' ? 'full line' : 'command name'}  (top-1 / top-${k}, %)   ${secs.toFixed(1)} s`);
  console.log(`${'file'.padEnd(8)} ${'n'.padStart(6)}   ${'ours'.padEnd(13)}   ${'mfu'.padEnd(13)}   ${'markov1_mfu'.padEnd(13)}   novel top-1 / right`);
  const row = (label, n, x) =>
    console.log(
      `${label.padEnd(8)} ${String(n).padStart(6)}   ${pct(x.top1)} / ${pct(x.topk)}   ${pct(x.baselines.mfu.top1)} / ${pct(x.baselines.mfu.topk)}   ${pct(x.baselines.markov1_mfu.top1)} / ${pct(x.baselines.markov1_mfu.topk)}   ${pct(x.novel_top1_share)} / ${x.novel_top1_precision === null ? '    -' : pct(x.novel_top1_precision)}`,
    );
  for (const f of r.files) row(f.file, f.n, f);
  row('macro', '', r.macro);
}
const total = (performance.now() - t0) / 1000;
console.log(`\ntotal replay time (both granularities): ${total.toFixed(1)} s   parser: ${haveParser ? 'src/shell/import' : 'private reader'}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ k, seconds: total, ...results }, null, 2));
