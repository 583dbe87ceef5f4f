// `mem serve` end to end: the built CLI serving on an ephemeral loopback port, real HTTP requests
// with fetch, real SQLite stores per user, an SSE client, a second process writing to the same
// store, a restart, and /docs rendered by headless Chromium.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, sandbox, type Sandbox } from './helpers.js';
import { writeTestModel } from './support/onnx-model.js';

interface Running {
  url: string;
  proc: ChildProcess;
  stderr: () => string;
  stop(): Promise<number | null>;
}

/** Starts `mem serve --port 0` and reads the chosen port from the first line of stdout. */
function serve(env: NodeJS.ProcessEnv, args: string[] = []): Promise<Running> {
  const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mem serve did not start: ${err}`)), 30_000);
    proc.on('exit', (code) => reject(new Error(`mem serve exited ${code}: ${err}`)));
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out.split('\n')[0]!);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[1]!,
        proc,
        stderr: () => err,
        stop: () =>
          new Promise((done) => {
            if (proc.exitCode !== null) return done(proc.exitCode);
            proc.once('exit', (code) => done(code));
            proc.kill('SIGTERM');
          }),
      });
    });
  });
}

type Json = any;

/** A small HTTP client: JSON in, status + JSON (or text) out. */
function client(url: string, token?: string) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(url + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: Json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, headers: res.headers, body: json };
  };
  return {
    get: (p: string) => call('GET', p),
    post: (p: string, b: unknown = {}) => call('POST', p, b),
    patch: (p: string, b: unknown) => call('PATCH', p, b),
    del: (p: string) => call('DELETE', p),
    call,
  };
}

/** An SSE client over fetch: collects events and waits for the ones a test expects. */
function sse(url: string, token: string, headers: Record<string, string> = {}) {
  const events: { id: number; event: string; data: Json }[] = [];
  const abort = new AbortController();
  const ready = fetch(url, { headers: { authorization: `Bearer ${token}`, ...headers }, signal: abort.signal }).then((res) => {
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buf += decoder.decode(value, { stream: true });
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const f = Object.fromEntries(block.split('\n').filter((l) => l && !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
            if (f.event) events.push({ id: Number(f.id), event: f.event, data: JSON.parse(f.data!) });
          }
        }
      } catch {
        // aborted
      }
    })();
  });
  return {
    events,
    ready,
    async waitFor(pred: (e: (typeof events)[number]) => boolean, ms = 10_000) {
      const until = Date.now() + ms;
      for (;;) {
        const hit = events.find(pred);
        if (hit) return hit;
        if (Date.now() > until) throw new Error(`event not received; got ${JSON.stringify(events.map((e) => e.event))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => abort.abort(),
  };
}

let box: Sandbox;
let env: NodeJS.ProcessEnv;
let server: Running;
const tokens = { alice: '', bob: '', carol: '', dave: '' };
const RATE = 40;

beforeAll(async () => {
  box = sandbox();
  // No embedding worker processes: the server's own timer is tested separately.
  env = { ...box.env, MEM_NO_WORKER: '1', MEM_OFFLINE: '1', MEM_SERVE_RATE_LIMIT: String(RATE) };
  for (const name of ['alice', 'bob', 'carol', 'dave'] as const) {
    const r = box.mem(['users', 'add', name, '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    tokens[name] = r.json().token;
  }
  server = await serve(env);
});

afterAll(async () => {
  await server?.stop();
  box?.cleanup();
});

const storeOf = (name: string) => join(box.env.MEM_HOME!, 'users', name, 'mem.db');

describe('mem users', () => {
  it('adds a user with a token shown once and stored hashed, lists them, and refuses bad names and duplicates', () => {
    expect(tokens.alice).toMatch(/^mem_[A-Za-z0-9_-]{43}$/);
    expect(existsSync(storeOf('alice'))).toBe(true);
    const reg = new Database(join(box.env.MEM_HOME!, 'server', 'users.db'), { readonly: true });
    const rows = reg.prepare('SELECT name, token_hash FROM users ORDER BY name').all() as { name: string; token_hash: string }[];
    reg.close();
    expect(rows.map((r) => r.name)).toEqual(['alice', 'bob', 'carol', 'dave']);
    expect(JSON.stringify(rows)).not.toContain(tokens.alice);
    expect(box.mem(['users', 'list', '--json'], { env }).json().users.map((u: Json) => u.name)).toEqual(['alice', 'bob', 'carol', 'dave']);
    const dup = box.mem(['users', 'add', 'alice'], { env });
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/user 'alice' exists/);
    const bad = box.mem(['users', 'add', '../x'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/name/);
  });
});

describe('auth and errors', () => {
  it('needs no token for /health, /openapi.json and /docs; 401 for everything else without a valid one', async () => {
    const anon = client(server.url);
    expect((await anon.get('/health')).body).toMatchObject({ status: 'ok', auth: true });
    const spec = (await anon.get('/openapi.json')).body;
    expect(spec.openapi).toBe('3.0.3');
    for (const p of ['/learn', '/predict', '/patterns', '/save', '/load', '/stats', '/api/v1/memory/store', '/api/v1/memory/tasks/{task_id}/context', '/api/v1/memories/{id}/retry-embedding', '/api/v1/fixes/models/{model}', '/api/v1/events']) {
      expect(Object.keys(spec.paths)).toContain(p);
    }
    // The schemas that validate are the ones published.
    expect(spec.components.schemas.MemoryInput.required).toEqual(['content']);
    expect((await anon.get('/docs')).status).toBe(200);
    const none = await anon.get('/api/v1/memories');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(none.body.error.code).toBe('unauthorized');
    expect((await client(server.url, 'mem_not-a-token').post('/predict', {})).status).toBe(401);
    expect((await client(server.url, tokens.alice).get('/nope')).status).toBe(404);
  });

  it('answers 400 naming the field, 413 over 1 MB, and 404 for an unknown id', async () => {
    const a = client(server.url, tokens.alice);
    const cases: [string, unknown, string][] = [
      ['/api/v1/memories', { kind: 'note' }, 'content'],
      ['/api/v1/memories', { content: 'x', kind: 'poem' }, 'kind'],
      ['/api/v1/memories', { content: 'x', tags: 5 }, 'tags'],
      ['/api/v1/memories', { content: 'x'.repeat(50_001) }, 'content'],
      ['/predict', { top_k: 'many' }, 'top_k'],
      ['/learn', { session_commands: [] }, 'session_commands'],
      ['/learn', { session_commands: ['ls', ' '] }, 'session_commands[1].command'],
      ['/api/v1/memory/search', { query: '' }, 'query'],
      ['/api/v1/memory/patterns/extract', { match: '(a+)+$', pattern_type: 'success' }, 'match'],
      ['/api/v1/fixes/record', { model: 'llama3:8b', issue_type: 'TIMEOUT' }, 'fix_success'],
      ['/save', { filename: '../../etc/passwd' }, 'filename'],
    ];
    for (const [path, body, field] of cases) {
      const r = await a.post(path, body);
      expect([path, r.status]).toEqual([path, 400]);
      expect(r.body.error.field, JSON.stringify(r.body)).toBe(field);
      expect(r.body.error.message).toContain(field);
    }
    const q = await a.get('/api/v1/memories?per_page=101');
    expect([q.status, q.body.error.field]).toEqual([400, 'per_page']);
    const malformed = await a.call('POST', '/api/v1/memories', '{"content": ', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    const big = await a.post('/api/v1/memories', { content: 'y'.repeat(1024 * 1024 + 10) });
    expect([big.status, big.body.error.code]).toEqual([413, 'payload_too_large']);
    const missing = await a.get('/api/v1/memories/00000000-0000-4000-8000-000000000000');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found']);
  });
});

describe('memory store', () => {
  it('creates, reads, patches only given fields, soft-deletes, and stores identical content once', async () => {
    const a = client(server.url, tokens.alice);
    const created = await a.post('/api/v1/memories', { content: 'ModuleNotFoundError: fastapi: pip install fastapi in the venv', kind: 'error', title: 'fastapi import', tags: 'python,deps', metadata: { os: 'linux' } });
    expect(created.status).toBe(201);
    const m = created.body;
    expect(m).toMatchObject({ kind: 'error', title: 'fastapi import', tags: ['python', 'deps'], metadata: { os: 'linux' }, scope: 'default', embedding_status: 'pending' });
    const again = await a.post('/api/v1/memories', { content: 'ModuleNotFoundError: fastapi: pip install fastapi in the venv', kind: 'error' });
    expect([again.status, again.body.id]).toEqual([200, m.id]);
    expect((await a.get(`/api/v1/memories/${m.id}`)).body).toMatchObject({ id: m.id, content: m.content });
    expect((await a.get(`/api/v1/memories/${m.id.slice(0, 8)}`)).body.id).toBe(m.id);
    const titled = (await a.patch(`/api/v1/memories/${m.id}`, { title: 'fastapi missing' })).body;
    expect(titled).toMatchObject({ title: 'fastapi missing', content: m.content, tags: ['python', 'deps'] });
    const secret = await a.post('/api/v1/memories', { content: 'export GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789' });
    expect(secret.body.content).toContain('[REDACTED:github_token]');
    // New content goes back to pending (embedded again).
    const db = new Database(storeOf('alice'));
    db.prepare("UPDATE memories SET embedding_status = 'completed' WHERE id = ?").run(m.id);
    const edited = (await a.patch(`/api/v1/memories/${m.id}`, { content: 'fastapi was missing from the venv' })).body;
    expect(edited).toMatchObject({ content: 'fastapi was missing from the venv', title: 'fastapi missing', embedding_status: 'pending' });
    expect((await a.patch(`/api/v1/memories/${m.id}`, {})).status).toBe(400);
    // Retry: only a failed embedding can be retried.
    expect((await a.post(`/api/v1/memories/${m.id}/retry-embedding`)).status).toBe(409);
    db.prepare("UPDATE memories SET embedding_status = 'failed', embedding_attempts = 3, embedding_error = 'boom' WHERE id = ?").run(m.id);
    db.close();
    const retried = await a.post(`/api/v1/memories/${m.id}/retry-embedding`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ embedding_status: 'pending', embedding_error: null });
    const del = await a.del(`/api/v1/memories/${m.id}`);
    expect([del.status, del.body]).toEqual([204, null]);
    expect((await a.get(`/api/v1/memories/${m.id}`)).status).toBe(404);
    expect((await a.del(`/api/v1/memories/${m.id}`)).status).toBe(404);
  });

  it('lists with filters, sorting, pages and a cursor', async () => {
    const b = client(server.url, tokens.bob);
    for (let i = 0; i < 7; i++) expect((await b.post('/api/v1/memories', { content: `list item ${i}`, kind: i % 2 ? 'note' : 'decision', tags: [`t${i % 3}`] })).status).toBe(201);
    const all = (await b.get('/api/v1/memories?per_page=100')).body;
    expect(all.meta).toMatchObject({ page: 1, per_page: 100, total: 7, total_pages: 1, next_cursor: null });
    expect((await b.get('/api/v1/memories?kind=decision')).body.meta.total).toBe(4);
    expect((await b.get('/api/v1/memories?tag=t1')).body.meta.total).toBe(2);
    expect((await b.get('/api/v1/memories?embedding_status=pending')).body.meta.total).toBe(7);
    expect((await b.get('/api/v1/memories?embedding_status=completed')).body.meta.total).toBe(0);
    const asc = (await b.get('/api/v1/memories?sort_by=created_at&sort_order=asc&per_page=100')).body.data.map((m: Json) => m.content);
    expect(asc[0]).toBe('list item 0');
    expect((await b.get('/api/v1/memories?per_page=3&page=3')).body.data).toHaveLength(1);
    // Paging by cursor visits each memory once.
    const seen: string[] = [];
    let cursor = '';
    for (let i = 0; i < 5; i++) {
      const page = (await b.get(`/api/v1/memories?per_page=3${cursor ? `&cursor=${cursor}` : ''}`)).body;
      seen.push(...page.data.map((m: Json) => m.id));
      if (!page.meta.next_cursor) break;
      cursor = page.meta.next_cursor;
    }
    expect(new Set(seen).size).toBe(7);
    expect(seen).toHaveLength(7);
    const bad = await b.get('/api/v1/memories?sort_by=size');
    expect([bad.status, bad.body.error.field]).toEqual([400, 'sort_by']);
  });

  it('bulk-creates up to 100, reporting the invalid ones by position', async () => {
    const c = client(server.url, tokens.carol);
    const r = await c.post('/api/v1/memories/bulk', { memories: [{ content: 'bulk one' }, { content: 'bulk two', kind: 'insight' }, { kind: 'note' }, { content: 'bulk one' }, { content: 'bulk four', kind: 'nope' }] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ created: 2, duplicates: 1, failed: 2 });
    expect(r.body.errors).toEqual([
      { line: 3, error: expect.stringContaining("field 'content'") },
      { line: 5, error: expect.stringContaining("field 'kind'") },
    ]);
    expect(r.body.ids).toHaveLength(3);
    const tooMany = await c.post('/api/v1/memories/bulk', { memories: Array.from({ length: 101 }, (_, i) => ({ content: `m${i}` })) });
    expect([tooMany.status, tooMany.body.error.field]).toEqual([400, 'memories']);
  });
  it('reads are not writes: accessed_at is written in batches, in order for sorting, and on shutdown', async () => {
    const b = client(server.url, tokens.carol);
    const ids: string[] = [];
    for (const c of ['first read', 'second read', 'never read']) ids.push((await b.post('/api/v1/memories', { content: c })).body.id);
    const accessed = () => new Database(storeOf('carol'), { readonly: true }).prepare('SELECT id, accessed_at FROM memories').all() as { id: string; accessed_at: number | null }[];
    const walBefore = accessed();
    for (const id of [ids[1]!, ids[0]!]) {
      const got = (await b.get(`/api/v1/memories/${id}`)).body;
      expect(got.accessed_at).not.toBeNull(); // shown as read at once
      await new Promise((r) => setTimeout(r, 5));
    }
    // Nothing written per read (before a second has passed)...
    expect(accessed().filter((r) => r.accessed_at !== null)).toEqual(walBefore.filter((r) => r.accessed_at !== null));
    // ...but sorting by it sees every read.
    const sorted = (await b.get('/api/v1/memories?sort_by=accessed_at&sort_order=desc')).body.data.map((m: any) => m.id);
    expect(sorted.slice(0, 2)).toEqual([ids[0], ids[1]]);
    await b.get(`/api/v1/memories/${ids[1]}`);
    await new Promise((r) => setTimeout(r, 1500)); // the batch is written within a second
    const rows = new Map(accessed().map((r) => [r.id, r.accessed_at]));
    expect(rows.get(ids[1]!)!).toBeGreaterThan(rows.get(ids[0]!)!);
    expect(rows.get(ids[2]!)).toBeNull();
  });
});

describe('isolation between users', () => {
  it("never shows one user another's memories, fixes or history: their ids are 404", async () => {
    const a = client(server.url, tokens.alice);
    const b = client(server.url, tokens.bob);
    const mine = (await a.post('/api/v1/memories', { content: 'alice private plan: migrate billing to postgres 16', kind: 'decision' })).body;
    await a.post('/api/v1/fixes/record', { model: 'qwen2:7b', issue_type: 'TIMEOUT', fix_success: true, fix_commands: ['ollama pull qwen2:7b'] });
    await a.post('/learn', { session_commands: ['make build', 'make secret-deploy'], session_outcome: 'success' });
    for (const r of [await b.get(`/api/v1/memories/${mine.id}`), await b.patch(`/api/v1/memories/${mine.id}`, { title: 'x' }), await b.del(`/api/v1/memories/${mine.id}`), await b.post(`/api/v1/memories/${mine.id}/retry-embedding`)]) {
      expect(r.status).toBe(404);
    }
    expect((await b.get('/api/v1/memories?per_page=100')).body.data.map((m: Json) => m.id)).not.toContain(mine.id);
    expect((await b.post('/api/v1/memory/search', { query: 'billing postgres', mode: 'keyword' })).body.results).toEqual([]);
    expect((await b.get('/api/v1/fixes/models/qwen2:7b')).status).toBe(404);
    expect((await b.get('/api/v1/fixes/stats')).body.fixes.total_fixes_attempted).toBe(0);
    const predicted = (await b.post('/predict', { current_context: ['make build'] })).body.predictions.map((p: Json) => p.next_command);
    expect(predicted).not.toContain('make secret-deploy');
    expect((await a.post('/predict', { current_context: ['make build'] })).body.predictions[0].next_command).toBe('make secret-deploy');
    // Still there for its owner.
    expect((await a.get(`/api/v1/memories/${mine.id}`)).status).toBe(200);
  });
});

describe('rate limit', () => {
  it(`refuses the creation past ${RATE} a minute with 429 and Retry-After, per user`, async () => {
    const c = client(server.url, tokens.dave);
    // The bucket holds RATE and refills at RATE/60 a second.
    const started = Date.now();
    let created = 0;
    let last: Awaited<ReturnType<typeof c.post>> | undefined;
    for (let i = 0; i < RATE + 5; i++) {
      last = await c.post('/api/v1/memories', { content: `rate ${i}` });
      if (last.status !== 201) break;
      created++;
    }
    const refilled = Math.ceil(((Date.now() - started) / 60_000) * RATE);
    expect(created).toBeGreaterThanOrEqual(RATE);
    expect(created).toBeLessThanOrEqual(RATE + refilled);
    expect(last!.status).toBe(429);
    expect(last!.body.error.code).toBe('rate_limited');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await c.post('/api/v1/memory/store', { content: 'one more' })).status).toBe(429);
    const bulk = await c.post('/api/v1/memories/bulk', { memories: Array.from({ length: RATE + 1 }, (_, i) => ({ content: `b${i}` })) });
    expect([bulk.status, bulk.body.error.message]).toEqual([429, expect.stringContaining(`over the limit of ${RATE} a minute`)]);
    // Reads are not limited, and other users are not affected.
    expect((await c.get('/api/v1/memories')).status).toBe(200);
    expect((await client(server.url, tokens.bob).post('/api/v1/memories', { content: 'bob is fine' })).status).toBe(201);
  });
});

describe('procedural engine', () => {
  it('learns sessions, predicts the next command, lists workflows, saves and loads named bundles', async () => {
    const b = client(server.url, tokens.bob);
    for (let i = 0; i < 3; i++) {
      const r = await b.post('/learn', { session_commands: ['git add -A', `git commit -m "change ${i}"`, { command: 'git push', exit_code: 0 }], session_outcome: 'success' });
      expect(r.body).toMatchObject({ sessions: 1, commands: 3 });
    }
    const p = await b.post('/predict', { current_context: 'git add -A', top_k: 2 });
    expect(p.status).toBe(200);
    expect(p.body.predictions).toHaveLength(2);
    expect(p.body.predictions[0]).toMatchObject({ next_command: expect.stringMatching(/^git commit -m/), template: 'git commit -m <QUOTED>' });
    expect(p.body.predictions[0]).toHaveProperty('confidence');
    expect(p.body.predictions[0]).toHaveProperty('reason');
    expect(p.body.predictions[0]).toHaveProperty('auto_suggestions');
    const flows = (await b.get('/patterns?min_count=2')).body.workflows;
    expect(flows[0].steps).toHaveLength(3);
    const stats = (await b.get('/stats')).body;
    expect(stats.shell.total_commands).toBe(9);
    const saved = await b.post('/save', { filename: 'bob-1.json' });
    expect(saved.body).toMatchObject({ filename: 'bob-1.json', counts: { commands: 9 } });
    expect(existsSync(join(box.env.MEM_HOME!, 'users', 'bob', 'bundles', 'bob-1.json'))).toBe(true);
    expect((await b.post('/load', { filename: 'bob-1.json' })).body).toMatchObject({ filename: 'bob-1.json', changed: false });
    // Another user's bundle directory is not theirs to read.
    expect((await client(server.url, tokens.alice).post('/load', { filename: 'bob-1.json' })).status).toBe(404);
  });
});

describe('task memory', () => {
  it('stores and searches tasks, gives context for a task id, extracts patterns and takes feedback', async () => {
    const a = client(server.url, tokens.alice);
    const stored = [];
    for (const [content, success] of [
      ['Deploy billing service v1: ran the migrations first, smoke tests green', true],
      ['Deploy billing service v2: ran the migrations first, then rolled out', true],
      ['Deploy billing service v3: ran the migrations first, canary ok', true],
      ['Deploy billing service v4: skipped tests, failed on schema mismatch', false],
    ] as const) {
      const r = await a.post('/api/v1/memory/store', { content, success, task_id: 'billing-deploy' });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ created: true, embedding_status: 'pending', scope: 'default' });
      stored.push(r.body.id);
    }
    const found = (await a.post('/api/v1/memory/search', { query: 'deploy billing migrations', top_k: 3 })).body;
    expect(found.results).toHaveLength(3);
    expect(found.results[0].kind).toBe('task');
    const extracted = await a.post('/api/v1/memory/patterns/extract', { match: 'billing', pattern_type: 'success' });
    expect(extracted.status).toBe(200);
    expect(extracted.body).toMatchObject({ type: 'success', updated: false });
    const listed = (await a.get('/api/v1/memory/patterns?pattern_type=success&limit=5')).body.patterns;
    expect(listed.map((p: Json) => p.id)).toContain(extracted.body.id);
    const fb = await a.post(`/api/v1/memory/patterns/${extracted.body.id}/feedback`, { helpful: true, adjust: 0.2 });
    expect(fb.body.confidence).toBeCloseTo(Math.min(1, extracted.body.confidence + 0.2), 5);
    const ctx = await a.get('/api/v1/memory/tasks/billing-deploy/context?top_k=3');
    expect(ctx.status).toBe(200);
    expect(ctx.body.task_id).toBe('billing-deploy');
    expect(ctx.body.similar_tasks.length).toBeGreaterThan(0);
    expect(ctx.body.similar_tasks.map((t: Json) => t.id)).not.toContain(ctx.body.task_memory_id);
    expect(ctx.body.recommendations.length).toBeGreaterThan(0);
    expect((await a.get(`/api/v1/memory/tasks/${stored[0]}/context`)).body.task_memory_id).toBe(stored[0]);
    expect((await a.get('/api/v1/memory/tasks/no-such-task/context')).status).toBe(404);
    const few = await a.post('/api/v1/memory/patterns/extract', { match: 'nothing-matches-this', pattern_type: 'failure' });
    expect([few.status, few.body.error.code]).toEqual([422, 'too_few_samples']);
  });
});

describe('fix memory', () => {
  it('records attempts and answers similar, context, stats, model insights, recent, successful and patterns', async () => {
    const b = client(server.url, tokens.bob);
    const attempt = (over: Json) => ({
      issue_data: { model: 'llama3:8b', issue_type: 'TIMEOUT', test_prompt: 'Say hello in French', actual_response: '', ...over.issue_data },
      ai_response: { analysis: 'not loaded', fix_commands: ['ollama pull llama3:8b'], confidence: 0.8 },
      fix_success: true,
      fixer_type: 'claude',
      ...over.top,
    });
    const r1 = await b.post('/api/v1/fixes/record', attempt({}));
    expect(r1.status).toBe(201);
    expect(r1.body).toMatchObject({ issue_signature: expect.stringMatching(/^[0-9a-f]{16}$/), created: true });
    await b.post('/api/v1/fixes/record', attempt({ top: { fix_success: false, fixer_type: 'qwen' } }));
    await b.post('/api/v1/fixes/record', attempt({ issue_data: { model: 'llama3:70b' } }));
    const similar = (await b.post('/api/v1/fixes/similar', { model: 'llama3:8b', issue_type: 'TIMEOUT', test_prompt: 'Say hello in French' })).body;
    expect(similar.exact_matches).toHaveLength(3);
    const ctx = (await b.post('/api/v1/fixes/context', { issue_data: { model: 'llama3:8b', issue_type: 'TIMEOUT', test_prompt: 'Say hello in French' } })).body;
    expect(ctx.what_worked.length).toBeGreaterThan(0);
    expect(ctx.what_failed.length).toBe(1);
    expect((await b.get('/api/v1/fixes/stats')).body.fixes.total_fixes_attempted).toBe(3);
    expect((await b.get('/api/v1/fixes/models/llama3:8b')).body).toMatchObject({ recent: expect.any(Array) });
    expect((await b.get('/api/v1/fixes/models/unknown-model')).status).toBe(404);
    expect((await b.get('/api/v1/fixes/recent?days=1')).body.attempts).toHaveLength(3);
    expect((await b.get('/api/v1/fixes/successful')).body.issue_types[0].issue_type).toBe('TIMEOUT');
    expect((await b.get('/api/v1/fixes/patterns?issue_type=timeout')).body.patterns.length).toBeGreaterThan(0);
  });
});

describe('events', () => {
  it('streams events as SSE, including writes by another process, and resumes after Last-Event-ID', async () => {
    const a = client(server.url, tokens.alice);
    const stream = sse(`${server.url}/api/v1/events`, tokens.alice);
    await stream.ready;
    const viaHttp = (await a.post('/api/v1/memories', { content: 'an event from HTTP' })).body;
    // A separate `mem add` process on alice's store: the server tails the table it writes to.
    const cli = box.mem(['--db', storeOf('alice'), 'add', 'an event from the CLI', '--scope', 'default', '--json'], { env });
    expect(cli.code, cli.stderr).toBe(0);
    const viaCli = cli.json().id;
    await a.post('/api/v1/fixes/record', { model: 'mistral:7b', issue_type: 'NO_OUTPUT', fix_success: false });
    await a.post('/learn', { session_commands: ['ls', 'cd src'] });
    await a.get('/api/v1/memory/tasks/billing-deploy/context');
    const e1 = await stream.waitFor((e) => e.event === 'memory.stored' && e.data.data.id === viaHttp.id);
    await stream.waitFor((e) => e.event === 'memory.stored' && e.data.data.id === viaCli);
    await stream.waitFor((e) => e.event === 'fix.recorded' && e.data.data.model === 'mistral:7b');
    await stream.waitFor((e) => e.event === 'command.ingested' && e.data.data.source === 'learn');
    await stream.waitFor((e) => e.event === 'memory.context.suggested');
    await stream.waitFor((e) => e.event === 'memory.pattern.matched');
    stream.close();
    // Bob's stream never carries alice's events.
    const bobs = sse(`${server.url}/api/v1/events?after=0`, tokens.bob);
    await bobs.ready;
    await bobs.waitFor((e) => e.event === 'memory.stored');
    await new Promise((r) => setTimeout(r, 500));
    expect(bobs.events.some((e) => e.data.data.id === viaHttp.id)).toBe(false);
    bobs.close();
    // Resume: everything after e1, filtered by type.
    const resumed = sse(`${server.url}/api/v1/events?types=memory.stored`, tokens.alice, { 'last-event-id': String(e1.id) });
    await resumed.ready;
    const next = await resumed.waitFor((e) => e.data.data.id === viaCli);
    expect(next.id).toBeGreaterThan(e1.id);
    expect(resumed.events.every((e) => e.event === 'memory.stored' && e.id > e1.id)).toBe(true);
    resumed.close();
    const badType = await a.get('/api/v1/events?types=memory.nothing');
    expect([badType.status, badType.body.error.field]).toEqual([400, 'types']);
  });

  it('mem events lists the same table, and --follow prints new events', async () => {
    const listed = box.mem(['--db', storeOf('alice'), 'events', '--type', 'fix.recorded', '--json'], { env });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.trim().split('\n').map((l) => JSON.parse(l).type)).toContain('fix.recorded');
    const follow = spawn(process.execPath, [BIN, '--db', storeOf('alice'), 'events', '--follow', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    follow.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => setTimeout(r, 1500));
    await client(server.url, tokens.alice).post('/api/v1/memories', { content: 'followed in a terminal' });
    const until = Date.now() + 10_000;
    // Whole lines only: a chunk can end in the middle of one.
    const lines = () => out.slice(0, out.lastIndexOf('\n') + 1).split('\n').filter(Boolean);
    while (!lines().some((l) => l.includes('memory.stored')) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    follow.kill('SIGTERM');
    const events = lines().map((l) => JSON.parse(l) as { type: string });
    expect(events.map((e) => e.type)).toEqual(['memory.stored']);
  });
});

describe('lifecycle', () => {
  it('keeps everything across a restart; a removed user is refused at once and their store is gone', async () => {
    const a = client(server.url, tokens.alice);
    const kept = (await a.post('/api/v1/memories', { content: 'survives a restart' })).body;
    expect(await server.stop()).toBe(0);
    server = await serve(env);
    const again = client(server.url, tokens.alice);
    expect((await again.get(`/api/v1/memories/${kept.id}`)).body.content).toBe('survives a restart');
    expect((await again.get('/api/v1/fixes/stats')).body.fixes.total_fixes_attempted).toBeGreaterThan(0);
    // rm without --yes asks; with no terminal it refuses and changes nothing.
    const ask = box.mem(['users', 'rm', 'carol'], { env });
    expect(ask.code).toBe(2);
    expect(ask.stderr).toMatch(/--yes/);
    expect((await client(server.url, tokens.carol).get('/api/v1/memories')).status).toBe(200);
    const rm = box.mem(['users', 'rm', 'carol', '--yes'], { env });
    expect(rm.code, rm.stderr).toBe(0);
    expect(rm.stdout).toMatch(/store .* is deleted/);
    expect(existsSync(join(box.env.MEM_HOME!, 'users', 'carol'))).toBe(false);
    expect((await client(server.url, tokens.carol).get('/api/v1/memories')).status).toBe(401);
    // The same name again is a new user with a new token and an empty store.
    const fresh = box.mem(['users', 'add', 'carol', '--json'], { env }).json();
    expect(fresh.token).not.toBe(tokens.carol);
    expect((await client(server.url, fresh.token).get('/api/v1/memories')).body.meta.total).toBe(0);
  });

  it('renders /docs in headless Chromium', () => {
    const profile = mkdtempSync(join(tmpdir(), 'mem-chromium-'));
    try {
      const r = spawnSync(
        '/usr/bin/chromium',
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
          `--user-data-dir=${profile}`,
          '--virtual-time-budget=15000',
          '--dump-dom',
          `${server.url}/docs`,
        ],
        { encoding: 'utf8', timeout: 50_000 },
      );
      expect(r.status, r.stderr).toBe(0);
      // Swagger UI has fetched /openapi.json and rendered every operation.
      expect(r.stdout).toContain('swagger-ui');
      expect(r.stdout).toMatch(/class="[^"]*opblock[^"]*"/);
      expect(r.stdout).toContain('/api/v1/memories/{id}/retry-embedding');
      expect(r.stdout).toContain('/predict');
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  });
});

describe('--no-auth and periodic work', () => {
  it('is refused off loopback; on loopback serves the home store, and its timer embeds pending memories', async () => {
    const off = box.mem(['serve', '--no-auth', '--host', '0.0.0.0', '--port', '0'], { env });
    expect(off.code).toBe(2);
    expect(off.stderr).toMatch(/loopback/);
    const models = writeTestModel(join(box.dir, 'models'));
    const local = { ...env, MEM_MODEL_DIR: models, MEM_SERVE_EMBED_INTERVAL_S: '1' };
    const cli = box.mem(['add', 'written by the CLI in the home store', '--json'], { env: local });
    expect(cli.code, cli.stderr).toBe(0);
    const home = await serve(local, ['--no-auth']);
    try {
      const c = client(home.url);
      expect((await c.get(`/api/v1/memories/${cli.json().id}`)).body.content).toBe('written by the CLI in the home store');
      const m = (await c.post('/api/v1/memories', { content: 'embedded by the server timer' })).body;
      expect(m.embedding_status).toBe('pending');
      const until = Date.now() + 30_000;
      let status = m.embedding_status;
      while (status !== 'completed' && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 250));
        status = (await c.get(`/api/v1/memories/${m.id}`)).body.embedding_status;
      }
      expect(status).toBe('completed');
    } finally {
      expect(await home.stop()).toBe(0);
    }
  });
});
