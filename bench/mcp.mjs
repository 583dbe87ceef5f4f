// The MCP round trip against a CLI call for the same question, on a store of 100,000 memories and
// 100,000 shell commands: `predict_next` vs `mem predict --json`, `memory_search` vs
// `mem search --mode keyword QUERY --json`. An agent without MCP spawns `mem` once per question;
// with it, one server answers every question. Goal: the round trip >= 20x faster (median).
// The two are measured interleaved (one CLI call, then a few MCP calls, round after round), so the
// drift of this machine's speed weighs on both alike. Wall time is what an agent waits; CPU time
// per question (the CLI processes', against the server's plus the client's own) is reported too,
// as the figure that moves least with the machine's load (Linux: from /proc).
//
//   node bench/mcp.mjs [--store DIR] [--n 100000] [--rounds 40] [--per-round 5]
//
// Without --store, a store is built in a temp directory (about 3 minutes: bench/gen-memories.mjs
// and bench/gen-history.mjs, as bench/memory.sh and bench/predict.sh build theirs); with --store
// DIR an existing MEM_HOME is used (built by an earlier run with --keep).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const root = new URL('..', import.meta.url).pathname;
const mem = join(root, 'bin', 'mem');
const n = Number(arg('n', 100_000));
const rounds = Number(arg('rounds', 40));
const perRound = Number(arg('per-round', 5));
const keep = process.argv.includes('--keep');

const work = mkdtempSync(join(tmpdir(), 'mem-bench-mcp-'));
const home = arg('store', join(work, 'store'));
const env = {
  ...process.env,
  HOME: join(work, 'home'),
  XDG_CONFIG_HOME: join(work, 'config'),
  XDG_CACHE_HOME: join(work, 'cache'),
  MEM_CONFIG: join(work, 'none.toml'),
  MEM_HOME: home,
  MEM_OFFLINE: '1',
  MEM_MODEL_DIR: join(work, 'no-model'),
  MEM_NO_WORKER: '1',
  MEM_SCOPE: 'bench',
  NO_COLOR: '1',
};
delete env.MEM_DB;
delete env.MEM_SESSION;
for (const d of [env.HOME, env.MEM_MODEL_DIR]) mkdirSync(d, { recursive: true });

const run = (args, opts = {}) => execFileSync(process.execPath, [mem, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26, ...opts });

if (!arg('store')) {
  console.error(`building a store of ${n} memories and ${n} commands in ${home} ...`);
  const t0 = performance.now();
  const all = execFileSync(process.execPath, [join(root, 'bench', 'gen-memories.mjs'), 'memories', String(n)], { maxBuffer: 1 << 30 }).toString().split('\n').filter(Boolean);
  for (let i = 0; i < all.length; i += 10_000) {
    const file = join(work, `chunk-${i}.jsonl`);
    writeFileSync(file, all.slice(i, i + 10_000).join('\n') + '\n');
    run(['add', '--bulk', file]);
    rmSync(file);
  }
  const history = join(work, 'history');
  writeFileSync(history, execFileSync(process.execPath, [join(root, 'bench', 'gen-history.mjs'), String(n)], { maxBuffer: 1 << 30 }));
  run(['import-history', '--shell', 'zsh', history]);
  run(['__ingest', '--learn-all']);
  console.error(`built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

const QUERIES = ['postgres connection timeout', 'deploy rollback certificate', 'zq1t', 'docker build cache layer', 'redis memory leak after upgrade'];
const questions = [
  { name: 'predict_next', cli: () => ['predict', '--json'], tool: () => ({ name: 'predict_next', arguments: {} }) },
  { name: 'memory_search', cli: (i) => ['search', '--mode', 'keyword', QUERIES[i % QUERIES.length], '--json'], tool: (i) => ({ name: 'memory_search', arguments: { query: QUERIES[i % QUERIES.length], mode: 'keyword' } }) },
];

const transport = new StdioClientTransport({ command: process.execPath, args: [mem, 'mcp'], env, stderr: 'inherit' });
const client = new Client({ name: 'bench', version: '1' });
const t0 = performance.now();
await client.connect(transport);
await client.listTools();
const startup = performance.now() - t0;

/** CPU milliseconds from /proc: a process's own (utime + stime), or its waited-for children's. */
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim() || 100);
const procCpu = (pid, children = false) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return (children ? f[13] + f[14] : f[11] + f[12]) * TICK_MS;
};

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};

const results = [];
for (const q of questions) {
  // Warm-up: the server's first call of a kind opens the store and loads what it needs.
  for (let i = 0; i < 5; i++) await client.callTool(q.tool(i));
  spawnSync(process.execPath, [mem, ...q.cli(0)], { env });
  const cli = [];
  const mcp = [];
  const cpu = { cli: 0, server: 0, client: 0 };
  let k = 0;
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    const children = procCpu(process.pid, true);
    const c = spawnSync(process.execPath, [mem, ...q.cli(r)], { env, maxBuffer: 1 << 26 });
    cli.push(performance.now() - t);
    cpu.cli += procCpu(process.pid, true) - children;
    if (c.status !== 0) throw new Error(`mem ${q.cli(r).join(' ')}: ${c.stderr}`);
    const server = procCpu(transport.pid);
    const self = process.cpuUsage();
    for (let i = 0; i < perRound; i++, k++) {
      t = performance.now();
      const res = await client.callTool(q.tool(k));
      mcp.push(performance.now() - t);
      if (res.isError) throw new Error(`${q.name}: ${JSON.stringify(res.content)}`);
    }
    const used = process.cpuUsage(self);
    cpu.client += (used.user + used.system) / 1000;
    cpu.server += procCpu(transport.pid) - server;
  }
  const row = {
    question: q.name,
    cli_p50_ms: quantile(cli, 0.5),
    cli_p99_ms: quantile(cli, 0.99),
    mcp_p50_ms: quantile(mcp, 0.5),
    mcp_p99_ms: quantile(mcp, 0.99),
    cli_runs: cli.length,
    mcp_calls: mcp.length,
    cli_cpu_ms: cpu.cli / cli.length,
    mcp_cpu_ms: (cpu.server + cpu.client) / mcp.length,
  };
  row.speedup_p50 = row.cli_p50_ms / row.mcp_p50_ms;
  row.cpu_ratio = row.cli_cpu_ms / row.mcp_cpu_ms;
  results.push(row);
}
await client.close();

const commands = JSON.parse(run(['stats', '--json']).toString()).shell.total_commands;
const memories = JSON.parse(run(['list', '--json', '--per-page', '1']).toString()).meta.total;
const out = join(root, 'bench', 'out');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'mcp.json'), JSON.stringify({ memories, commands, server_startup_ms: startup, results }, null, 2) + '\n');
const f = (x) => x.toFixed(1).padStart(7);
console.log(`store: ${memories} memories, ${commands} commands; server start-up (spawn, initialise, list tools) ${startup.toFixed(0)} ms; load average ${loadavg()[0].toFixed(1)}`);
console.log('question        CLI p50   CLI p99   MCP p50   MCP p99   speed-up (p50)              CPU/question: CLI     MCP   ratio');
for (const r of results)
  console.log(
    `${r.question.padEnd(14)} ${f(r.cli_p50_ms)}   ${f(r.cli_p99_ms)}   ${f(r.mcp_p50_ms)}   ${f(r.mcp_p99_ms)}   ${r.speedup_p50.toFixed(1).padStart(5)}x ${r.speedup_p50 >= 20 ? '(goal 20x: met)    ' : '(goal 20x: NOT met)'}        ${f(r.cli_cpu_ms)} ${f(r.mcp_cpu_ms)} ${r.cpu_ratio.toFixed(1).padStart(6)}x`,
  );
if (keep && !arg('store')) console.error(`kept the store: --store ${home} (remove ${work} when done)`);
else rmSync(work, { recursive: true, force: true });
