// Benchmark helpers for bench/memory.sh.
//   node bench/gen-memories.mjs memories N [seed]   N memories as JSON Lines for `mem add --bulk`
//   node bench/gen-memories.mjs knn N [queries] [k] sqlite-vec KNN over N random unit 384-d vectors
//   node bench/gen-memories.mjs table FILE...       median table from hyperfine JSON exports
// Texts are deterministic (seeded): a few hundred developer words plus a long Zipf tail of rarer
// tokens, so FTS5 posting lists look like a real store's (common words in many rows, names in few).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { prng } from './prng.mjs';

const require = createRequire(import.meta.url);

const COMMON = `the a to of and in for with on is was when after before not it this that from by at we be use
  fix fixed error failed failing build test tests deploy deployed release server client request response
  timeout connection database query index cache memory disk file files path config configuration service
  container image docker kubernetes pod node python npm pip git branch commit merge push pull rebase
  postgres mysql redis sqlite migration schema table column user users auth token login session api
  endpoint http https ssl certificate proxy dns port network latency retry backoff queue worker job cron
  log logs logging metrics alert alerts dashboard monitoring incident outage rollback hotfix patch version
  upgrade dependency dependencies package lockfile install module import function class method type
  types interface null undefined exception stack trace crash leak cpu thread async await promise callback
  event stream buffer encoding utf json yaml csv parse parser serialize compile compiler linker flag
  option environment variable secret key permission denied root sudo shell bash zsh script pipeline ci
  runner artifact storage bucket s3 backup restore snapshot replica primary failover load balancer
  nginx ingress tls header cookie cors frontend backend react webpack vite typescript javascript rust go
  java gradle maven jvm heap gc pause slow fast performance benchmark profile regression bug issue ticket
  decision meeting note task review design pattern refactor cleanup docs documentation onboarding team
  customer invoice billing payment order cart checkout search ranking feature flag experiment rollout`
  .split(/\s+/)
  .filter(Boolean);
const KINDS = ['note', 'note', 'note', 'error', 'error', 'solution', 'solution', 'insight', 'decision', 'task', 'code_pattern', 'experience', 'meeting_note'];
const TAGS = Array.from({ length: 60 }, (_, i) => `tag${i}`);
const TAIL = 20_000; // rarer tokens: project names, hosts, identifiers

function memories(n, seed) {
  const rnd = prng(seed);
  // Zipf over the tail: rank r with weight 1/r, sampled through a cumulative table.
  const cum = new Float64Array(TAIL);
  let s = 0;
  for (let r = 0; r < TAIL; r++) cum[r] = s += 1 / (r + 1);
  const tail = () => {
    const x = rnd() * s;
    let lo = 0;
    let hi = TAIL - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return `zq${lo.toString(36)}`;
  };
  const word = () => (rnd() < 0.8 ? COMMON[Math.floor(rnd() * COMMON.length)] : tail());
  const sentence = (min, max) => Array.from({ length: min + Math.floor(rnd() * (max - min)) }, word).join(' ');
  const out = [];
  for (let i = 0; i < n; i++) {
    const m = { kind: KINDS[Math.floor(rnd() * KINDS.length)], title: sentence(3, 7), content: `${sentence(15, 80)}. (#${seed}-${i})` };
    const tags = Math.floor(rnd() * 4);
    if (tags) m.tags = Array.from({ length: tags }, () => TAGS[Math.floor(rnd() * TAGS.length)]);
    out.push(JSON.stringify(m));
    if (out.length === 10_000) (process.stdout.write(out.join('\n') + '\n'), (out.length = 0));
  }
  if (out.length) process.stdout.write(out.join('\n') + '\n');
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

/** In-process sqlite-vec KNN, with the shape of mem's own vector table. */
function knn(n, queries, k) {
  const Database = require('better-sqlite3');
  const vec = require('sqlite-vec');
  const db = new Database(':memory:');
  vec.load(db);
  db.exec('CREATE VIRTUAL TABLE v USING vec0(scope text partition key, model text, embedding float[384] distance_metric=cosine)');
  const rnd = prng(42);
  const unit = () => {
    const v = new Float32Array(384);
    let norm = 0;
    for (let i = 0; i < 384; i++) norm += (v[i] = rnd() * 2 - 1) ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < 384; i++) v[i] /= norm;
    return v;
  };
  const ins = db.prepare('INSERT INTO v (rowid, scope, model, embedding) VALUES (?, ?, ?, ?)');
  const t0 = performance.now();
  db.transaction(() => {
    for (let i = 1; i <= n; i++) ins.run(BigInt(i), 'bench', 'Xenova/all-MiniLM-L6-v2', unit());
  })();
  const insertMs = performance.now() - t0;
  const q = db.prepare('SELECT rowid, distance FROM v WHERE embedding MATCH ? AND k = ? AND scope = ? AND model = ?');
  q.all(unit(), k, 'bench', 'Xenova/all-MiniLM-L6-v2'); // warm the page cache
  const times = [];
  let found = 0;
  for (let i = 0; i < queries; i++) {
    const v = unit();
    const t = performance.now();
    found += q.all(v, k, 'bench', 'Xenova/all-MiniLM-L6-v2').length;
    times.push(performance.now() - t);
  }
  if (found !== queries * k) throw new Error(`expected ${queries * k} neighbours, got ${found}`);
  console.log(JSON.stringify({ vectors: n, dim: 384, queries, k, insert_s: +(insertMs / 1000).toFixed(2), median_ms: +median(times).toFixed(2), p95_ms: +pct(times, 0.95).toFixed(2), max_ms: +Math.max(...times).toFixed(2) }));
}

/**
 * Rows of `label=file[:target]` for hyperfine exports: the median of every run in the file (a
 * parameter list gives one result per value; their runs are pooled), its ratio to the first row.
 */
function table(specs) {
  const rows = specs.map((spec) => {
    const at = spec.lastIndexOf('=');
    const [label, rest] = [spec.slice(0, at), spec.slice(at + 1)];
    const [file, target] = rest.split(':');
    const { results } = JSON.parse(readFileSync(file, 'utf8'));
    const times = results.flatMap((r) => r.times);
    // CPU (user + system) is steadier than wall time on a shared machine: hyperfine keeps its mean
    // per result, so a parameter list gives one value per run and a plain command one mean.
    const cpu = median(results.map((r) => r.user + r.system));
    return { label, median: median(times), cpu, runs: times.length, target: target ? Number(target) : null };
  });
  const base = rows[0].median;
  const baseCpu = rows[0].cpu;
  let ok = true;
  const w = Math.max(...rows.map((r) => r.label.length));
  console.log(`${'command'.padEnd(w)}  median ms   runs  x node -e 0  cpu ms  cpu x  target (wall)`);
  for (const r of rows) {
    const ratio = r.median / base;
    const over = r.target !== null && ratio > r.target;
    if (over) ok = false;
    const cols = [(r.median * 1000).toFixed(1).padStart(9), String(r.runs).padStart(5), `${ratio.toFixed(2).padStart(10)}x`, (r.cpu * 1000).toFixed(1).padStart(6), `${(r.cpu / baseCpu).toFixed(2).padStart(4)}x`];
    console.log(`${r.label.padEnd(w)}  ${cols.join('  ')}  ${r.target === null ? '' : `<= ${r.target}x ${over ? 'OVER' : 'ok'}`}`);
  }
  if (!ok) process.exitCode = 1;
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'memories') memories(Number(args[0] ?? 100_000), Number(args[1] ?? 1));
else if (cmd === 'knn') knn(Number(args[0] ?? 100_000), Number(args[1] ?? 50), Number(args[2] ?? 10));
else if (cmd === 'table') table(args);
else {
  console.error('usage: gen-memories.mjs memories N [seed] | knn N [queries] [k] | table label=file[:target]...');
  process.exitCode = 2;
}
