// GET /api/v1/memories/{id} under load, this build against another one, on one store, in turns
// (A, B, A, B, ...) so that the machine's drifting speed weighs on both alike.
//   node bench/serve.mjs --keep DIR            (prepares the store once, and measures everything)
//   node bench/serve-reads.mjs --keep DIR --base OTHER_CHECKOUT [--rounds 3] [--duration 10] [--connections 50]
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startServer } from './serve-start.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const work = arg('keep');
const base = arg('base');
if (!work || !base) throw new Error('usage: node bench/serve-reads.mjs --keep DIR --base OTHER_CHECKOUT');
const ROUNDS = Number(arg('rounds', 3));
const DURATION = Number(arg('duration', 10));
const CONNECTIONS = Number(arg('connections', 50));
const builds = { this: join(new URL('..', import.meta.url).pathname, 'bin', 'mem'), base: join(base, 'bin', 'mem') };
const env = { ...process.env, MEM_HOME: join(work, 'home'), MEM_CONFIG: join(work, 'none.toml'), MEM_NO_WORKER: '1', MEM_OFFLINE: '1', NO_COLOR: '1' };
const token = readFileSync(join(work, 'ready'), 'utf8');
const store = join(env.MEM_HOME, 'users', 'bench', 'mem.db');
const ids = new Database(store, { readonly: true }).prepare('SELECT id FROM memories WHERE deleted_at IS NULL ORDER BY random() LIMIT 20000').pluck().all();
const pick = (a) => a[Math.floor(Math.random() * a.length)];

async function once(bin) {
  const { server, url } = await startServer(bin, env);
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [{ method: 'GET', headers: { authorization: `Bearer ${token}` }, setupRequest: (req) => ({ ...req, path: `/api/v1/memories/${pick(ids)}` }) }],
  });
  server.kill('SIGTERM');
  await new Promise((done) => server.once('exit', done));
  return r;
}

const results = { this: [], base: [] };
for (let i = 0; i < ROUNDS; i++) {
  for (const [name, bin] of Object.entries(builds)) {
    const r = await once(bin);
    results[name].push(r);
    const errors = r.errors + r.timeouts + r.non2xx;
    console.log(`round ${i + 1} ${name.padEnd(4)} ${Math.round(r.requests.average).toLocaleString('en').padStart(6)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  ${errors} errors  (load ${loadavg()[0].toFixed(1)})`);
  }
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, rs] of Object.entries(results)) {
  console.log(`${name.padEnd(4)} median of ${ROUNDS}: ${Math.round(med(rs.map((r) => r.requests.average))).toLocaleString('en')} req/s, p50 ${med(rs.map((r) => r.latency.p50))} ms, p99 ${med(rs.map((r) => r.latency.p99))} ms`);
}
