// How soon after a command finishes is the session's suggestion file rewritten? Writes spool lines
// exactly as the shell hook does (the hook's own cost is in hook-overhead.py), with the background
// ingester running, and times until suggest/<session> changes. Target: within 200 ms.
//   node bench/suggest-latency.mjs [MEM_HOME-with-a-store] [runs]
import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../bin/mem', import.meta.url).pathname;
const home = process.argv[2] || mkdtempSync(join(tmpdir(), 'mem-suggest-'));
const runs = Number(process.argv[3] ?? 30);
const env = { ...process.env, MEM_HOME: home, MEM_HISTORY_DAEMON_LINGER_S: '60' };
const spool = join(home, 'spool');
mkdirSync(spool, { recursive: true, mode: 0o700 });
execFileSync(process.execPath, [bin, 'stats', '--json'], { env, stdio: 'ignore' }); // create the store
const daemon = spawn(process.execPath, [bin, '__ingest', '--daemon'], { env, stdio: 'ignore' });
const lock = join(home, 'ingest.lock');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
for (let i = 0; i < 500 && !(existsSync(lock) && readFileSync(lock, 'utf8').trim() === String(daemon.pid)); i++) await sleep(10);

const session = `bench${process.pid}`;
const file = join(home, 'suggest', session);
const commands = ['git status', 'git add -A', 'git commit -m wip', 'git push', 'npm test', 'ls'];
const mtime = () => (existsSync(file) ? statSync(file).mtimeMs : 0);
const times = [];
for (let i = 0; i < runs; i++) {
  const before = mtime();
  const startUs = Date.now() * 1000;
  const t0 = performance.now();
  appendFileSync(join(spool, `${session}.spool`), ['m1', session, i + 1, startUs, 5, 0, 'zsh', 'host', 'user', home, commands[i % commands.length]].join('\t') + '\n');
  while (mtime() === before) {
    if (performance.now() - t0 > 5000) throw new Error('no suggestion update within 5 s');
    await sleep(1);
  }
  times.push(performance.now() - t0);
  await sleep(50);
}
daemon.kill();
times.sort((a, b) => a - b);
const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1);
console.log(`suggestion file updated after a command: median ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${q(1)} ms (${runs} commands; target <= 200 ms)`);
