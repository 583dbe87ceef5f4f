// Team sync on a throwaway PostgreSQL cluster (the same set-up as test/support/pg.ts):
//   1. three stores, each with N operations of its own (default 100,000: shell commands with
//      sync.shell on, fix attempts, memories), sync until they converge: time of each sync and
//      of the whole, and a check that all three hold the same records;
//   2. a fresh store pulling P operations (default 10,000) pushed by another: median of 3;
//   3. what the change log costs on the write path: import-history with and without sync;
//   4. a `mem serve` node with sync on (sync.interval_s 10, the least) showing another node's
//      write: the lag from the write to the served API listing it, over R rounds (default 5).
//   node bench/sync.mjs [N] [P] [R]        (build first: npm run build)
//   node bench/sync.mjs --serve-only [R]   (only 4)
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const serveOnly = process.argv[2] === '--serve-only';
const N = Number(process.argv[2] ?? 100_000);
const P = Number(process.argv[3] ?? 10_000);
const R = Number((serveOnly ? process.argv[3] : process.argv[4]) ?? 5);
const BIN = new URL('../bin/mem', import.meta.url).pathname;

function pgBin() {
  const base = '/usr/lib/postgresql';
  const v = existsSync(base) ? readdirSync(base).filter((d) => existsSync(join(base, d, 'bin', 'initdb'))).sort((a, b) => b - a)[0] : undefined;
  if (!v) throw new Error('no PostgreSQL server binaries (apt-get install postgresql)');
  return join(base, v, 'bin');
}

function sh(cmd, args, user) {
  const r = user ? spawnSync('runuser', ['-u', user, '--', cmd, ...args], { encoding: 'utf8' }) : spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
}

async function cluster() {
  const bin = pgBin();
  const user = process.getuid() === 0 ? 'postgres' : null;
  const dir = mkdtempSync(join(tmpdir(), 'mem-bench-pg-'));
  const password = 'bench-' + Math.random().toString(36).slice(2);
  writeFileSync(join(dir, 'pw'), password + '\n');
  if (user) {
    const id = (f) => Number(spawnSync('id', [f, user], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, id('-u'), id('-g'));
    chownSync(join(dir, 'pw'), id('-u'), id('-g'));
  }
  sh(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-U', 'postgres', '--pwfile', join(dir, 'pw'), '--auth-local=scram-sha-256', '--auth-host=scram-sha-256', '--no-instructions'], user);
  const port = await new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });
  // A hub as shipped: durable commits (fsync on), unlike the test cluster.
  sh(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-o', `-k ${dir} -p ${port} -h 127.0.0.1`, '-l', join(dir, 'log'), '-w', 'start'], user);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    password,
    remove() {
      try {
        sh(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop'], user);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function store(name) {
  const dir = mkdtempSync(join(tmpdir(), `mem-bench-${name}-`));
  const env = { PATH: process.env.PATH, HOME: dir, MEM_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config'), MEM_EMBEDDING_PROVIDER: 'none', MEM_NO_WORKER: '1', TZ: 'UTC' };
  const mem = (args, o = {}) => {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...env, ...o.env }, cwd: dir, input: o.input ?? '', encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`mem ${args.join(' ')}: ${r.stderr}`);
    return { out: r.stdout, s: Number(process.hrtime.bigint() - t) / 1e9 };
  };
  return { name, dir, env, mem, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function join_(s, hub, team, shell) {
  const { url, password } = JSON.parse(s.mem(['team', 'add-member', team, '--hub', hub.url, '--json'], { env: { PGPASSWORD: hub.password } }).out);
  if (shell) s.mem(['config', 'set', 'sync.shell', 'true']);
  s.mem(['team', 'join', url, '--team', team], { env: { PGPASSWORD: password } });
}

/** n operations of store `tag`: 70% commands, 15% fix attempts, 15% memory operations (a memory is 3). */
function fill(s, tag, n) {
  const commands = Math.round(n * 0.7);
  const memories = Math.round((n * 0.15) / 3);
  const attempts = n - commands - memories * 3;
  const start = Math.floor(Date.UTC(2026, 0, 1) / 1000);
  const hist = [];
  for (let i = 0; i < commands; i++) hist.push(`#${start + i * 7}`, `${['git status', 'npm test', 'make build', 'kubectl get pods -n', 'ls -la'][i % 5]} ${tag}-${i % 997}`);
  writeFileSync(join(s.dir, 'history'), hist.join('\n') + '\n');
  s.mem(['import-history', join(s.dir, 'history'), '--shell', 'bash']);
  const fixes = [];
  for (let i = 0; i < attempts; i++) {
    fixes.push(
      JSON.stringify({
        model: ['llama3:8b', 'qwen2:7b', 'mistral:7b'][i % 3],
        issue_type: ['TIMEOUT', 'NO_OUTPUT', 'ERROR'][i % 3],
        test_prompt: `prompt ${tag} ${i % 50}`,
        fix_commands: [`fix-${i % 20}`],
        fix_success: i % 4 !== 0,
        fixer_type: 'claude',
        timestamp: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      }),
    );
  }
  s.mem(['fix', 'record', '--from-json', '-'], { input: fixes.join('\n') + '\n' });
  for (let done = 0; done < memories; done += 10_000) {
    const batch = [];
    for (let i = done; i < Math.min(memories, done + 10_000); i++) batch.push(JSON.stringify({ content: `memory ${tag} ${i}: the deploy needs make release before the tag`, kind: 'note', scope: 'team' }));
    writeFileSync(join(s.dir, 'mem.jsonl'), batch.join('\n') + '\n');
    s.mem(['add', '--bulk', join(s.dir, 'mem.jsonl'), '--scope', 'team']);
  }
}

/** A digest of the sorted export (the per-store header and local use counters left out). */
function digest(s) {
  const doc = JSON.parse(s.mem(['export', '-']).out);
  const h = createHash('sha256');
  const counts = {};
  for (const [k, v] of Object.entries(doc)) {
    if (!Array.isArray(v)) continue;
    counts[k] = v.length;
    for (const line of v.map((x) => JSON.stringify(k === 'memories' ? { ...x, accessed_at: 0, reused_count: 0 } : x)).sort()) h.update(line + '\n');
  }
  return { digest: h.digest('hex').slice(0, 16), counts };
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

/** `mem serve --no-auth` on a free port for store s; resolves with its URL and a stop(). */
function serve(s) {
  const proc = spawn(process.execPath, [BIN, 'serve', '--no-auth', '--port', '0'], { env: s.env, cwd: s.dir, stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('mem serve did not start')), 30_000);
    proc.stdout.on('data', (d) => {
      const m = /listening on (http:\/\/\S+)/.exec((out += d.toString()));
      if (!m) return;
      clearTimeout(timer);
      resolve({ url: m[1], stop: () => new Promise((done) => (proc.exitCode !== null ? done() : (proc.once('exit', done), proc.kill('SIGTERM')))) });
    });
  });
}

/** Section 4: node a writes and syncs; node b serves with sync on. Lag: a's write to b's API listing it. */
async function serveLag(hub, made) {
  const [a, b] = [store('writer'), store('served')];
  made.push(a, b);
  join_(a, hub, 'servelag', false);
  join_(b, hub, 'servelag', false);
  b.mem(['config', 'set', 'sync.interval_s', '10']);
  const node = await serve(b);
  const lags = [];
  const afterPush = [];
  try {
    for (let i = 0; i < R; i++) {
      const text = `lag probe ${i} ${Math.random().toString(36).slice(2)}`;
      const t0 = performance.now();
      a.mem(['add', text, '--scope', 'team']);
      a.mem(['sync', '--quiet']);
      const pushed = performance.now();
      for (let tries = 0; ; tries++) {
        if (tries > 1200) throw new Error('the served node never showed the write');
        const body = await (await fetch(`${node.url}/api/v1/memories?scope=team&limit=50`)).text();
        if (body.includes(text)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const seen = performance.now();
      lags.push((seen - t0) / 1000);
      afterPush.push((seen - pushed) / 1000);
      console.log(`  round ${i + 1}: write + push ${((pushed - t0) / 1000).toFixed(2)} s, shown by the served node ${((seen - pushed) / 1000).toFixed(2)} s later`);
      await new Promise((r) => setTimeout(r, Math.random() * 10_000)); // each round at a random point of the served node's 10 s interval
    }
  } finally {
    await node.stop();
  }
  const f = (a) => a.map((x) => x.toFixed(1)).join(', ');
  console.log(`mem serve (sync.interval_s 10) shows another node's write: median ${median(lags).toFixed(1)} s from the write, max ${Math.max(...lags).toFixed(1)} s (runs: ${f(lags)} s; after the writer's push: ${f(afterPush)} s)`);
}

const hub = await cluster();
const made = [];
try {
  const adminConfig = mkdtempSync(join(tmpdir(), 'mem-bench-admin-'));
  made.push({ remove: () => rmSync(adminConfig, { recursive: true, force: true }) });
  spawnSync(process.execPath, [BIN, 'team', 'init', hub.url], { env: { ...process.env, PGPASSWORD: hub.password, XDG_CONFIG_HOME: adminConfig } });
  if (serveOnly) await serveLag(hub, made);
  else {
    const stores = N ? ['a', 'b', 'c'].map((t) => store(t)) : []; // N = 0: only the pull
    made.push(...stores);
    for (const s of stores) join_(s, hub, 'bench', true);
    for (const s of stores) {
      const t = process.hrtime.bigint();
      fill(s, s.name, N);
      console.log(`store ${s.name}: ${N.toLocaleString('en-US')} operations recorded in ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(1)} s`);
    }
    const t0 = process.hrtime.bigint();
    for (const s of N ? [...stores, stores[0], stores[1]] : []) {
      const { out, s: secs } = s.mem(['sync', '--json']);
      const r = JSON.parse(out);
      console.log(`  sync ${s.name}: pushed ${r.pushed}, pulled ${r.pulled} in ${secs.toFixed(1)} s`);
    }
    const total = Number(process.hrtime.bigint() - t0) / 1e9;
    const d = stores.map(digest);
    const same = d.every((x) => x.digest === d[0].digest);
    if (N) console.log(`3 stores x ${N.toLocaleString('en-US')} operations converge in ${total.toFixed(1)} s: ${same ? 'identical' : 'DIFFERENT'} sorted exports (${JSON.stringify(d[0].counts)})`);
    if (!same) process.exitCode = 1;

    const src = store('src');
    made.push(src);
    join_(src, hub, 'pull', false);
    const attempts = [];
    for (let i = 0; i < P; i++) attempts.push(JSON.stringify({ model: 'llama3:8b', issue_type: 'TIMEOUT', test_prompt: `p ${i % 40}`, fix_commands: [`f ${i % 9}`], fix_success: i % 3 > 0, fixer_type: 'gpt' }));
    src.mem(['fix', 'record', '--from-json', '-'], { input: attempts.join('\n') + '\n' });
    src.mem(['sync']);
    const pulls = [];
    for (let i = 0; i < 3; i++) {
      const dst = store(`pull${i}`);
      made.push(dst);
      join_(dst, hub, 'pull', false);
      const { out, s: secs } = dst.mem(['sync', '--json']);
      if (JSON.parse(out).pulled !== P) throw new Error(`pulled ${JSON.parse(out).pulled}, expected ${P}`);
      pulls.push(secs);
    }
    console.log(`pull of ${P.toLocaleString('en-US')} operations into a fresh store: median ${median(pulls).toFixed(2)} s (runs: ${pulls.map((x) => x.toFixed(2)).join(', ')} s; the whole \`mem sync\` process)`);

    // What the change log costs where commands are written: the same history imported into a store
    // with sync (shell shared) and one without, interleaved.
    const H = Math.round(N * 0.7) || 70_000;
    const lines = [];
    for (let i = 0; i < H; i++) lines.push(`#${1767225600 + i * 7}`, `${['git status', 'npm test', 'make build'][i % 3]} ${i % 997}`);
    const times = { off: [], on: [] };
    for (let round = 0; round < 3; round++) {
      for (const mode of ['off', 'on']) {
        const s = store(`ingest-${mode}`);
        made.push(s);
        if (mode === 'on') join_(s, hub, 'ingest', true);
        writeFileSync(join(s.dir, 'h'), lines.join('\n') + '\n');
        times[mode].push(s.mem(['import-history', join(s.dir, 'h'), '--shell', 'bash']).s);
      }
    }
    console.log(`import-history of ${H.toLocaleString('en-US')} commands: median ${median(times.off).toFixed(1)} s without sync, ${median(times.on).toFixed(1)} s with sync.shell on (${(median(times.on) / median(times.off)).toFixed(2)}x)`);
    if (R) await serveLag(hub, made);
  }
} finally {
  hub.remove();
  for (const s of made) s.remove();
}
