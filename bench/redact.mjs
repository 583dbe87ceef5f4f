// Redaction speed and reach on the shared real zsh histories (~37k entries): the time to redact
// every entry, best of N runs, and how many entries it changes.
//   node bench/redact.mjs [--runs 11] [--ref <git ref>] [--diff] [--json out.json] [files...]
// --ref also runs the redactor as it was at that commit (e.g. `--ref main`) on the same entries,
// for a before/after figure from one run (this machine's speed drifts); --diff then prints every
// entry the two redact differently (old line, then new line), to review new masks by eye.
// The TypeScript sources are bundled on the fly with esbuild (no ts runner is installed); the
// histories are read in place, never copied.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
const flag = (name) => {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
};
const runs = Number(opt('--runs', '11'));
const ref = opt('--ref', null);
const jsonOut = opt('--json', null);
const showDiff = flag('--diff');
const files = args.length ? args : ['u01', 'u02', 'u03', 'u07'].map((u) => join(DATA, `${u}.zsh_history`));

const tmp = mkdtempSync(join(tmpdir(), 'mem-redact-bench-'));
async function bundle(name, contents, resolveDir) {
  const out = join(tmp, `${name}.mjs`);
  await build({ stdin: { contents, resolveDir, loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'warning' });
  return import(pathToFileURL(out).href);
}

const { parseHistory } = await bundle('parse', `export { parseHistory } from './src/shell/import/index.ts';`, ROOT);
const current = await bundle('current', `export { redact } from './src/redact/index.ts';`, ROOT);
let before = null;
if (ref !== null) {
  // src/redact/ imports nothing outside itself, so the old copy bundles on its own.
  const dir = join(tmp, 'ref');
  mkdirSync(dir);
  const tar = execFileSync('git', ['-C', ROOT, 'archive', ref, 'src/redact'], { maxBuffer: 64 << 20 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  before = await bundle('before', `export { redact } from './src/redact/index.ts';`, dir);
}
rmSync(tmp, { recursive: true, force: true });

const entries = files.flatMap((f) => parseHistory(readFileSync(f), 'zsh').entries.map((e) => e.command));
const chars = entries.reduce((n, c) => n + c.length, 0);

function once(redact) {
  const t0 = process.hrtime.bigint();
  const outs = entries.map((c) => redact(c).text);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, outs };
}

// Runs alternate between the two redactors (A B A B …) so drift and JIT warm-up hit both alike;
// one untimed warm-up run each first. Best and median of `runs` are reported.
const redactors = [current.redact, ...(before ? [before.redact] : [])];
const results = redactors.map((r) => ({ times: [], outs: once(r).outs }));
for (let i = 0; i < runs; i++) {
  redactors.forEach((r, j) => results[j].times.push(once(r).ms));
}
const summary = results.map(({ times, outs }) => {
  times.sort((a, b) => a - b);
  const changed = outs.reduce((n, o, i) => n + (o !== entries[i] ? 1 : 0), 0);
  return { best_ms: +times[0].toFixed(1), median_ms: +times[times.length >> 1].toFixed(1), changed, outs };
});
const now = summary[0];
const old = summary[1] ?? null;
const report = {
  files: files.length,
  entries: entries.length,
  chars,
  runs,
  current: { best_ms: now.best_ms, median_ms: now.median_ms, changed_entries: now.changed },
  ...(old ? { [ref]: { best_ms: old.best_ms, median_ms: old.median_ms, changed_entries: old.changed } } : {}),
};
if (old) {
  const differ = [];
  for (let i = 0; i < entries.length; i++) if (now.outs[i] !== old.outs[i]) differ.push(i);
  report.redacted_differently = differ.length;
  report.ratio_current_over_ref = +(now.best_ms / old.best_ms).toFixed(2);
  if (showDiff) {
    for (const i of differ) process.stdout.write(`- ${old.outs[i]}\n+ ${now.outs[i]}\n`);
  }
}
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(report, null, 2) + '\n');
