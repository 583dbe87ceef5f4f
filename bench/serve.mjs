// Issue 11: `mem serve` under load, on a store of 100,000 memories and 100,000 commands.
//   node bench/serve.mjs [--n 100000] [--duration 30] [--connections 50] [--keep DIR]
// 1. GET by id straight from SQLite, in-process (is a cache in front of it worth having?)
// 2. autocannon, 50 connections for 30 s each: GET /api/v1/memories/{id} (random ids),
//    POST /predict (random contexts from the history), POST /api/v1/memories (unique contents):
//    requests/s, p50/p99 latency, errors; then every created memory is counted in the store.
// Goals on the 2-core machine: reads >= 2,000 req/s with p99 <= 20 ms; POST /predict p50 <= 5 ms.
// autocannon and the server share the machine's two cores: the figures include that.
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startServer } from './serve-start.mjs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const N = Number(arg('n', 100_000));
const DURATION = Number(arg('duration', 30));
const CONNECTIONS = Number(arg('connections', 50));
const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin', 'mem');
const keep = arg('keep');
const work = keep ?? mkdtempSync(join(tmpdir(), 'mem-serve-bench-'));
const env = { ...process.env, MEM_HOME: join(work, 'home'), MEM_CONFIG: join(work, 'none.toml'), MEM_NO_WORKER: '1', MEM_OFFLINE: '1', NO_COLOR: '1' };
const mem = (args, input) => {
  const r = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8', input, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`mem ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const log = (s) => console.log(s);
const load = () => loadavg()[0].toFixed(1);

// --- the store ---------------------------------------------------------------------------------
const marker = join(work, 'ready');
let token;
const store = join(env.MEM_HOME, 'users', 'bench', 'mem.db');
if (!existsSync(marker)) {
  mkdirSync(work, { recursive: true });
  token = JSON.parse(mem(['users', 'add', 'bench', '--json'])).token;
  let t = Date.now();
  const lines = spawnSync(process.execPath, [join(root, 'bench', 'gen-memories.mjs'), 'memories', String(N)], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout.trim().split('\n');
  for (let i = 0; i < lines.length; i += 10_000) {
    const f = join(work, 'chunk.jsonl');
    writeFileSync(f, lines.slice(i, i + 10_000).join('\n') + '\n');
    mem(['--db', store, 'add', '--bulk', f, '--scope', 'default']);
  }
  log(`store: ${N} memories in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  t = Date.now();
  const hist = join(work, 'history');
  writeFileSync(hist, spawnSync(process.execPath, [join(root, 'bench', 'gen-history.mjs'), String(N)], { maxBuffer: 1 << 30 }).stdout);
  mem(['--db', store, 'import-history', '--shell', 'zsh', hist]);
  mem(['--db', store, '__ingest', '--learn-all']);
  log(`store: ${N} commands imported and learned in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  writeFileSync(marker, token);
} else token = readFileSync(marker, 'utf8');

const db = new Database(store, { readonly: true });
const ids = db.prepare('SELECT id FROM memories WHERE deleted_at IS NULL ORDER BY random() LIMIT 20000').pluck().all();
const contexts = db.prepare('SELECT command FROM command_counts ORDER BY count DESC LIMIT 300').pluck().all();
db.close();
log(`store: ${store} (${(Number(spawnSync('du', ['-sm', store], { encoding: 'utf8' }).stdout.split('\t')[0]))} MB); machine: ${cpus().length} cores, load ${load()}`);

// --- 1. GET by id straight from SQLite ---------------------------------------------------------
{
  const raw = new Database(store, { readonly: true });
  const stmt = raw.prepare('SELECT * FROM memories WHERE id = ?');
  const { openMem } = require(join(root, 'dist', 'index.cjs'));
  const m = openMem({ db: store, env });
  const time = (fn) => {
    for (let i = 0; i < 2000; i++) fn(ids[i % ids.length]); // warm
    const t = [];
    for (let i = 0; i < 20_000; i++) {
      const id = ids[(i * 7919) % ids.length];
      const t0 = process.hrtime.bigint();
      fn(id);
      t.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    t.sort((a, b) => a - b);
    return `median ${t[t.length >> 1].toFixed(1)} µs, p99 ${t[Math.floor(t.length * 0.99)].toFixed(1)} µs`;
  };
  log(`SQLite, prepared SELECT by id (better-sqlite3):         ${time((id) => stmt.get(id))}`);
  log(`core API mem.memories.get(id) (+ accessed_at update):   ${time((id) => m.memories.get(id))}`);
  m.close();
  raw.close();
}

// --- 2. the server under load ------------------------------------------------------------------
const { server, url } = await startServer(bin, env);
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

async function run(title, request, extra = {}) {
  const before = load();
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, requests: [{ headers, ...request }], ...extra });
  title = `${title} (${extra.connections ?? CONNECTIONS} conn.)`;
  const errors = r.errors + r.timeouts + r.non2xx;
  log(
    `${title.padEnd(44)} ${Math.round(r.requests.average).toLocaleString('en').padStart(6)} req/s  p50 ${String(r.latency.p50).padStart(3)} ms  p99 ${String(r.latency.p99).padStart(3)} ms  ` +
      `${r.requests.total.toLocaleString('en')} requests, ${errors} errors${errors ? ` (${r.timeouts} timeouts, ${r.non2xx} non-2xx, ${r.errors} connection errors)` : ''} (load before: ${before})`,
  );
  return r;
}
const pick = (a) => a[Math.floor(Math.random() * a.length)];

const getById = { method: 'GET', setupRequest: (req) => ({ ...req, path: `/api/v1/memories/${pick(ids)}` }) };
const predict = { method: 'POST', path: '/predict', setupRequest: (req) => ({ ...req, body: JSON.stringify({ current_context: [pick(contexts)], top_k: 3 }) }) };
await run('GET /api/v1/memories/{id}', getById);
await run('POST /predict', predict);
// With 50 requests always in flight, latency is mostly queueing (Little's law: mean latency =
// 50 / throughput). One connection shows what a single request costs.
await run('GET /api/v1/memories/{id}', getById, { connections: 1, duration: 10 });
await run('POST /predict', predict, { connections: 1, duration: 10 });

// Creations: each body is unique; every id the server answered 201 with is checked in the store.
const run_id = Date.now().toString(36);
let n = 0;
const created = [];
const before = new Database(store, { readonly: true }).prepare('SELECT COUNT(*) FROM memories').pluck().get();
const post = await run('POST /api/v1/memories', {
  method: 'POST',
  path: '/api/v1/memories',
  setupRequest: (req) => ({ ...req, body: JSON.stringify({ content: `bench ${run_id} memory ${n++}: the deploy needs the new certificate`, kind: 'note', tags: ['bench'] }) }),
  onResponse: (status, body) => {
    if (status === 201) created.push(JSON.parse(body).id);
  },
});
server.kill('SIGTERM');
await new Promise((r) => server.on('exit', r));
const check = new Database(store, { readonly: true });
const after = check.prepare('SELECT COUNT(*) FROM memories').pluck().get();
const rows = check.prepare('SELECT id, content FROM memories WHERE content LIKE ?').all(`bench ${run_id} memory %`);
check.close();
const byId = new Set(rows.map((r) => r.id));
const contents = new Set(rows.map((r) => r.content));
const missing = created.filter((id) => !byId.has(id)).length;
log(
  `creations: ${created.length.toLocaleString('en')} answered 201 (autocannon counted ${post['2xx'].toLocaleString('en')}); store grew by ${(after - before).toLocaleString('en')}; ` +
    `${rows.length.toLocaleString('en')} rows for ${contents.size.toLocaleString('en')} distinct contents; ${missing} answered ids missing; ` +
    `${rows.length - created.length} stored whose answer arrived after the run stopped`,
);
if (missing || rows.length !== contents.size || new Set(created).size !== created.length) {
  log('FAIL: a created memory was lost or stored twice');
  process.exitCode = 1;
}
if (!keep) rmSync(work, { recursive: true, force: true });
