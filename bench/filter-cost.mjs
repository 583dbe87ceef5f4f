// Issue #8 (defect 6): what judging commands against the history filters costs, in process (the
// part of ingestion the filters change): 100,000 real commands (the dev histories, repeated) in
// batches of 10,000, with no user regexes, with four ordinary ones (run in the vm context under a
// per-line time budget), and the same four matched plainly in process (as before the budget).
// Best of N runs.  node bench/filter-cost.mjs [--runs 7]
// The TypeScript sources are bundled on the fly with esbuild (no ts runner is installed).
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 7);
const tmp = mkdtempSync(join(tmpdir(), 'mem-filter-'));
const out = join(tmp, 'filters.mjs');
await build({
  stdin: { contents: "export { historyFilter } from './src/shell/filters.ts'; export { loadConfig } from './src/config/config.ts';", resolveDir: ROOT, loader: 'ts' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: out,
  logLevel: 'error',
});
const { historyFilter, loadConfig } = await import(pathToFileURL(out).href);
rmSync(tmp, { recursive: true, force: true });

const dir = resolve(ROOT, '../shared/data/histories/zsh-dev');
const src = ['u01', 'u02', 'u03', 'u07'].flatMap((u) => readFileSync(join(dir, `${u}.zsh_history`), 'latin1').split('\n')).map((l) => l.replace(/^: \d+:\d+;/, '')).filter(Boolean);
const items = Array.from({ length: 100_000 }, (_, i) => ({ command: src[i % src.length], cwd: i % 5 ? '/home/me/work' : '/home/me/private/notes' }));
const PATTERNS = { commands: ['^secret-tool', 'password|passwd', '^pass (show|insert) '], dirs: ['^/home/me/private/'] };
const env = (withPatterns) => ({ HOME: tmp, MEM_CONFIG: join(tmp, 'none.toml'), ...(withPatterns ? { MEM_HISTORY_IGNORE_COMMANDS: PATTERNS.commands.join(','), MEM_HISTORY_IGNORE_DIRS: PATTERNS.dirs[0] } : {}) });

const best = (f) => {
  let min = Infinity;
  for (let r = 0; r < runs; r++) {
    const t = process.hrtime.bigint();
    f();
    min = Math.min(min, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return min;
};
const batches = (f) => () => {
  for (let i = 0; i < items.length; i += 10_000) f.rejectAll(items.slice(i, i + 10_000));
};
const none = best(batches(historyFilter(loadConfig(env(false)))));
const budgeted = best(batches(historyFilter(loadConfig(env(true)))));
const res = PATTERNS.commands.map((p) => new RegExp(p));
const dirRe = new RegExp(PATTERNS.dirs[0]);
const plain = best(() => {
  for (const it of items) if (!res.some((r) => r.test(it.command))) dirRe.test(it.cwd);
});
console.log(`100,000 commands: no user regexes ${none.toFixed(0)} ms; four regexes, time-budgeted ${budgeted.toFixed(0)} ms; the same four matched plainly ${plain.toFixed(0)} ms (+ the built-in rules: ${none.toFixed(0)} ms); best of ${runs}`);
