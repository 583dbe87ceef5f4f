// The Ctrl-R picker on 100,000 commands (issue 9's targets: first paint <= 1.5x `node -e 0`, a
// keystroke re-ranked and drawn in <= 16 ms).
//   node bench/picker.mjs [--n 100000] [--runs 20] [--query 'git commit'] [--store DIR] [--keep]
// Builds a store the way the hooks fill one: the real dev histories (bench/gen-history.mjs)
// written as spool records, with sessions (a new one every 60 commands), 2 hosts, 40 directories
// and 5% failures, ingested and learned (the predictor's statistics are part of the ranking);
// `--store DIR` reuses one. Then, through a pty (bench/picker-pty.py), first paint against
// `node -e 0` in turns, and each keystroke's round trip; and in the picker itself
// (MEM_PICKER_TRACE), the time from a key's arrival to its frame written.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? def : process.argv[i + 1];
};
const root = new URL('..', import.meta.url).pathname;
const mem = join(root, 'bin', 'mem');
const picker = join(root, 'bin', 'mem-picker');
const n = Number(arg('n', 100_000));
const runs = Number(arg('runs', 20));
const query = arg('query', 'git commit');
const store = arg('store', null) ?? mkdtempSync(join(tmpdir(), 'mem-picker-bench-'));
const env = { ...process.env, MEM_HOME: store, MEM_CONFIG: join(store, 'none.toml'), NO_COLOR: '1' };
delete env.MEM_SESSION;

if (!existsSync(join(store, 'mem.db'))) {
  const t0 = Date.now();
  const text = spawnSync(process.execPath, [join(root, 'bench', 'gen-history.mjs'), String(n)], { maxBuffer: 1 << 30, encoding: 'latin1' }).stdout;
  const entries = [];
  for (const line of text.split('\n')) {
    const m = /^: (\d+):(\d+);(.*)$/.exec(line);
    if (m && m[3].trim()) entries.push({ ts: Number(m[1]), dur: Number(m[2]), command: m[3] });
  }
  const esc = (s) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
  const dirs = Array.from({ length: 40 }, (_, i) => `/home/dev/projects/p${i % 8}/${['', 'src', 'test', 'docs', 'build'][i % 5]}`.replace(/\/$/, ''));
  const spool = join(store, 'spool');
  mkdirSync(spool, { recursive: true });
  const files = new Map();
  entries.forEach((e, i) => {
    const session = `bench-${Math.floor(i / 60)}`;
    const seq = (i % 60) + 1;
    const host = Math.floor(i / 60) % 3 === 0 ? 'laptop' : 'workstation';
    const cwd = dirs[Math.floor(i / 7) % dirs.length];
    const exit = i % 20 === 7 ? 1 : 0;
    const rec = ['m1', session, seq, e.ts * 1_000_000 + i, e.dur * 1000, exit, 'zsh', host, 'dev', cwd, esc(e.command)].join('\t') + '\n';
    const f = files.get(session) ?? [];
    f.push(rec);
    files.set(session, f);
  });
  for (const [session, recs] of files) writeFileSync(join(spool, `${session}.spool`), recs.join(''));
  const ing = spawnSync(mem, ['__ingest', '--learn-all'], { env, stdio: 'inherit' });
  if (ing.status !== 0) process.exit(1);
  console.log(`store: ${entries.length} commands in ${files.size} sessions, ingested and learned in ${((Date.now() - t0) / 1000).toFixed(1)} s (${store})`);
}
const stats = JSON.parse(spawnSync(mem, ['stats', '--json'], { env, encoding: 'utf8' }).stdout);
console.log(`store: ${stats.shell.total_commands} commands; ${JSON.parse(spawnSync(mem, ['picker', '--json', ''], { env, encoding: 'utf8' }).stdout).total} distinct`);

const trace = join(store, 'trace');
const r = spawnSync('python3', [join(root, 'bench', 'picker-pty.py'), process.execPath, picker, String(runs), query], { env: { ...env, MEM_PICKER_TRACE: trace }, encoding: 'utf8' });
if (r.status !== 0) {
  console.error(r.stderr);
  process.exit(1);
}
const out = JSON.parse(r.stdout);
// The trace holds the last run: its keys' in-process times (handle + rank + draw).
const keyLines = readFileSync(trace, 'utf8').split('\n').filter((l) => l.startsWith('key ')).map((l) => l.split(' ').slice(1).map(Number));
const inproc = keyLines.map((k) => k[0]);
const cpu = keyLines.map((k) => k[1]).sort((a, b) => a - b);
const f = (x) => x.toFixed(1);
console.log(`first paint: ${f(out.first_paint_ms)} ms against node -e 0 ${f(out.node_e0_ms)} ms: ${out.ratio.toFixed(2)}x (medians of ${runs} runs in turns; median of per-turn ratios ${out.ratios_in_turn.toFixed(2)}x)`);
console.log(`keystroke through the pty ('${query}', ${out.key_roundtrip_ms.n} keys): p50 ${f(out.key_roundtrip_ms.p50)} ms, p95 ${f(out.key_roundtrip_ms.p95)} ms, max ${f(out.key_roundtrip_ms.max)} ms`);
console.log(`  by position after the paint (medians): ${out.key_roundtrip_by_position_ms.map(f).join(', ')} ms`);
const sorted = [...inproc].sort((a, b) => a - b);
console.log(`keystroke in the picker (last run, ${sorted.length} keys): wall p50 ${f(sorted[Math.floor(sorted.length / 2)])} ms, max ${f(sorted[sorted.length - 1])} ms; CPU p50 ${f(cpu[Math.floor(cpu.length / 2)])} ms, max ${f(cpu[cpu.length - 1])} ms`);
console.log(`CPU time to first paint: ${f(out.first_paint_cpu_ms)} ms against node -e 0's ${f(out.node_e0_cpu_ms)} ms: ${out.cpu_ratio.toFixed(2)}x`);
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`load average: ${load}`);
if (!arg('store', null) && !process.argv.includes('--keep')) rmSync(store, { recursive: true, force: true });
