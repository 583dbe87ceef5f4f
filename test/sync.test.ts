// Team sync against a real PostgreSQL (a throwaway cluster), with the built CLI as a subprocess:
// several stores converge, deletes hold, a push killed half-way loses and doubles nothing, an
// unreachable hub never stops local work, teams cannot read each other, and prune reaches the hub.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiAttempt, BIN, jsonl, sandbox, type Sandbox } from './helpers.js';
import { TEST_MODEL_NAME, writeTestModel } from './support/onnx-model.js';
import { PG_SKIP, startCluster, type PgCluster } from './support/pg.js';

if (PG_SKIP) console.warn(PG_SKIP);

let hub: PgCluster;
const boxes: Sandbox[] = [];
const admin = () => ({ PGPASSWORD: hub.adminPassword });

async function query<T = Record<string, unknown>>(sql: string, params: unknown[] = [], as?: { user: string; password: string }): Promise<T[]> {
  const c = new pg.Client({ host: '127.0.0.1', port: hub.port, database: 'postgres', user: as?.user ?? 'postgres', password: as?.password ?? hub.adminPassword });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** A store (its own HOME) that joined TEAM with a member role of its own. */
function member(team: string, o: { shell?: boolean } = {}): Sandbox & { password: string; role: string } {
  const s = sandbox();
  boxes.push(s);
  s.env.MEM_EMBEDDING_PROVIDER = 'none';
  const add = s.mem(['team', 'add-member', team, '--hub', hub.adminUrl, '--json'], { env: admin() });
  expect(add.stderr).toBe('');
  const { url, password, role } = add.json<{ url: string; password: string; role: string }>();
  if (o.shell) expect(s.mem(['config', 'set', 'sync.shell', 'true']).code).toBe(0);
  const joined = s.mem(['team', 'join', url, '--team', team, '--json'], { env: { PGPASSWORD: password } });
  expect(joined.stderr).toBe('');
  expect(joined.code).toBe(0);
  return Object.assign(s, { password, role });
}

const syncOk = (s: Sandbox) => {
  const r = s.mem(['sync', '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.json<{ pushed: number; pulled: number }>();
};

/**
 * The export with each section sorted and the per-store header left out; when a memory was last
 * used on this machine (accessed_at) is not shared, nor (unless `counters`) how often: the other
 * tests reuse memories on one store and compare before that store synced again.
 */
function sortedExport(s: Sandbox, o: { counters?: boolean } = {}): Record<string, string[]> {
  const r = s.mem(['export', '-']);
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout) as Record<string, unknown>;
  const out: Record<string, string[]> = {};
  const local = (x: unknown) => {
    const { accessed_at: _a, reused_count: r, ...rest } = x as Record<string, unknown>;
    return o.counters ? { ...rest, reused_count: r } : rest;
  };
  for (const [k, v] of Object.entries(doc)) if (Array.isArray(v)) out[k] = v.map((x) => JSON.stringify(k === 'memories' ? local(x) : x)).sort();
  return out;
}

const attempts = (n: number, tag: string, day: number) =>
  Array.from({ length: n }, (_, i) =>
    aiAttempt({
      issue_data: { model: i % 2 ? 'llama3:8b' : 'qwen2:7b', issue_type: i % 3 ? 'TIMEOUT' : 'NO_OUTPUT', test_prompt: `prompt ${i % 4}` },
      ai_response: { fix_commands: [`fix ${tag} ${i % 3}`] },
      fix_success: i % 4 !== 0,
      timestamp: new Date(Date.UTC(2026, 10, day, 10, i)).toISOString(),
    }),
  );

describe.skipIf(Boolean(PG_SKIP))('team sync through PostgreSQL', () => {
  beforeAll(async () => {
    hub = await startCluster();
    const init = sandbox();
    boxes.push(init);
    const r = init.mem(['team', 'init', hub.adminUrl, '--json'], { env: admin() });
    expect(r.stderr).toBe('');
    expect(r.json()).toMatchObject({ version: 2, from_version: 0 });
    // Again: nothing to do, still fine.
    expect(init.mem(['team', 'init', hub.adminUrl, '--json'], { env: admin() }).json()).toMatchObject({ version: 2, from_version: 2 });
  });
  afterAll(() => {
    hub?.remove();
    for (const b of boxes) b.cleanup();
  });

  it('joins without writing the password into config.toml; bad input is a one-line usage error', () => {
    const a = member('alpha');
    const config = readFileSync(join(a.env.XDG_CONFIG_HOME!, 'mem', 'config.toml'), 'utf8');
    expect(config).toContain('[sync]');
    expect(config).not.toContain(a.password);
    const pwFile = join(a.env.MEM_HOME!, 'sync-password');
    expect(statSync(pwFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(pwFile, 'utf8').trim()).toBe(a.password);
    const bad = a.mem(['team', 'add-member', 'Bad Team!', '--hub', hub.adminUrl]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const notUrl = a.mem(['team', 'join', 'db.internal:5432', '--team', 'alpha']);
    expect(notUrl.code).toBe(2);
    expect(notUrl.stderr).toMatch(/^mem: not a PostgreSQL URL: .*\n$/);
    const wrong = a.mem(['team', 'join', `postgresql://${a.role}@127.0.0.1:${hub.port}/postgres`, '--team', 'alpha'], { env: { PGPASSWORD: 'wrong' } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^mem: hub .*authentication failed/);
  });

  it('three stores converge: identical sorted exports, and patterns equal to one store that recorded everything', () => {
    const [a, b, c] = [member('conv'), member('conv'), member('conv')];
    const all = sandbox();
    boxes.push(all);
    const sets = [attempts(12, 'a', 3), attempts(9, 'b', 4), attempts(7, 'c', 5)];
    for (const [i, s] of [a, b, c].entries()) {
      expect(s.mem(['fix', 'record', '--from-json', '-'], { input: jsonl(sets[i]!) }).code).toBe(0);
      expect(s.mem(['add', `memory from store ${i}`, '--kind', 'insight', '--tags', `s${i}`, '--scope', 'team']).code).toBe(0);
    }
    expect(all.mem(['fix', 'record', '--from-json', '-'], { input: jsonl(sets.flat()) }).code).toBe(0);
    for (const s of [a, b, c, a, b]) syncOk(s);
    const ea = sortedExport(a);
    expect(ea.fix_attempts).toHaveLength(28);
    expect(ea.memories).toHaveLength(3);
    expect(sortedExport(b)).toEqual(ea);
    expect(sortedExport(c)).toEqual(ea);
    const patterns = (s: Sandbox) => s.mem(['patterns', '--json']).json();
    expect(patterns(c)).toEqual(patterns(all));
    // Nothing new: a sync moves nothing.
    expect(syncOk(c)).toMatchObject({ pushed: 0, pulled: 0 });
  });

  it('episodes, learned patterns, model notes and counters converge; feedback and reuse add up across stores', () => {
    const [a, b, c] = [member('kinds'), member('kinds'), member('kinds')];
    const run = (s: Sandbox, args: string[]) => {
      const r = s.mem(args);
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r.code, args.join(' ')).toBe(0);
      return r;
    };
    // a: fix attempts of a model with notes, and an episode with events.
    expect(a.mem(['fix', 'record', '--from-json', '-'], { input: jsonl(attempts(4, 'n', 8)) }).code).toBe(0);
    run(a, ['model', 'llama3:8b', '--set-notes', 'slow on long prompts']);
    const ep = run(a, ['episode', 'start', 'ship the release', '--scope', 'team', '--json']).json<{ id: string }>().id;
    run(a, ['episode', 'event', ep, '--type', 'plan', '--role', 'agent', '--data', '{"steps":3}']);
    // b: task memories and a pattern learned from them.
    for (const [i, ok] of [true, true, true, false].entries()) run(b, ['add', `deploy service ${i} with blue green ${ok ? 'and smoke tests' : 'in a hurry'}`, '--kind', 'task', '--scope', 'team', ok ? '--success' : '--failure']);
    const pat = run(b, ['patterns', 'extract', '--match', 'deploy', '--type', 'success', '--scope', 'team', '--json']).json<{ id: string }>().id;
    for (const s of [a, b, c, a]) syncOk(s);
    // Concurrent: a ends the episode and says the pattern helped, c says so too and edits the notes,
    // a and b each reuse the same memory (a search).
    run(a, ['episode', 'event', ep, '--type', 'test', '--data', '{"passed":12}']);
    run(a, ['episode', 'end', ep, '--success', '--metrics', '{"minutes":7}']);
    run(a, ['patterns', 'feedback', pat, '--helpful']);
    run(c, ['patterns', 'feedback', pat, '--helpful']);
    run(b, ['patterns', 'feedback', pat, '--not-helpful']);
    run(c, ['model', 'llama3:8b', '--set-notes', 'fast since the new quantisation']);
    for (const s of [a, b]) expect(run(s, ['search', 'smoke tests service 0', '--scope', 'team', '--json']).stdout).toContain('deploy service 0');
    for (const s of [a, b, c, a, b]) syncOk(s);
    const ea = sortedExport(a, { counters: true });
    expect(sortedExport(b, { counters: true })).toEqual(ea);
    expect(sortedExport(c, { counters: true })).toEqual(ea);
    expect(ea.episodes).toHaveLength(1);
    expect(JSON.parse(ea.episodes![0]!)).toMatchObject({ id: ep, success: 1, metrics: { minutes: 7 } });
    expect(ea.episode_events).toHaveLength(2);
    const p = JSON.parse(ea.learned_patterns![0]!) as { id: string; feedback_helpful: number; feedback_unhelpful: number };
    expect(p).toMatchObject({ id: pat, feedback_helpful: 2, feedback_unhelpful: 1 });
    expect(ea.model_notes).toEqual([JSON.stringify({ model: 'llama3:8b', notes: 'fast since the new quantisation' })]);
    // Found by a's search and by b's: used twice, on every store.
    const reused = ea.memories!.map((x) => JSON.parse(x) as { content: string; reused_count: number }).find((m) => m.content.startsWith('deploy service 0'));
    expect(reused!.reused_count).toBe(2);
    // Derived tables are rebuilt locally: c's model statistics count a's attempts.
    expect(c.mem(['model', 'llama3:8b', '--json']).json()).toMatchObject({ total_tests: 2, notes: 'fast since the new quantisation' });
    // Nothing new: a sync moves nothing, and counters do not count again.
    expect(syncOk(c)).toMatchObject({ pushed: 0, pulled: 0 });
    expect(sortedExport(c, { counters: true })).toEqual(ea);
  });

  it('redaction runs again before a push: a secret a store kept from before a pattern existed never reaches the hub or the team', async () => {
    const [a, b] = [member('redact'), member('redact')];
    const ep = a.mem(['episode', 'start', 'rotate the deploy key', '--scope', 'team', '--json']).json<{ id: string }>().id;
    for (let i = 0; i < 3; i++) expect(a.mem(['add', `deploy ${i} with the new key`, '--kind', 'task', '--scope', 'team', '--success']).code).toBe(0);
    expect(a.mem(['add', 'deploy 3 with no key', '--kind', 'task', '--scope', 'team', '--failure']).code).toBe(0);
    const pat = a.mem(['patterns', 'extract', '--match', 'deploy', '--type', 'success', '--scope', 'team', '--json']).json<{ id: string }>().id;
    // As an older mem (without today's patterns) would have stored them; the triggers log the writes.
    const key = 'AKIA' + 'Q3EGRT7XKZ2WNB5D';
    const db = new Database(join(a.env.MEM_HOME!, 'mem.db'));
    try {
      db.prepare('UPDATE episodes SET task = ? WHERE id = ?').run(`rotate ${key}`, ep);
      db.prepare('INSERT INTO episode_events (episode_id, at, type, data) VALUES (?, ?, ?, ?)').run(ep, Date.now(), 'note', JSON.stringify({ text: `old key ${key}` }));
      db.prepare('UPDATE learned_patterns SET description = ? WHERE id = ?').run(`uses ${key}`, pat);
    } finally {
      db.close();
    }
    syncOk(a);
    syncOk(b);
    expect((await query('SELECT count(*)::int AS n FROM mem_hub.ops WHERE body::text LIKE $1', [`%${key}%`]))[0]).toEqual({ n: 0 });
    const exported = b.mem(['export', '-']).stdout;
    expect(exported).toContain(ep);
    expect(exported).toContain(pat);
    expect(exported).not.toContain(key);
  });

  it("a peer embedding with the same model keeps the pushed vector (no re-embedding); one with another model embeds locally", async () => {
    const [a, b, c] = [member('vec'), member('vec'), member('vec')];
    const modelDir = writeTestModel(join(a.dir, 'model'));
    const emptyDir = join(b.dir, 'no-model');
    mkdirSync(emptyDir);
    Object.assign(a.env, { MEM_EMBEDDING_PROVIDER: 'local', MEM_MODEL_DIR: modelDir, MEM_OFFLINE: '1', MEM_NO_WORKER: '1' });
    // b names the same model but has no way to compute a vector: a completed embedding there came from a.
    Object.assign(b.env, { MEM_EMBEDDING_PROVIDER: 'local', MEM_MODEL_DIR: emptyDir, MEM_OFFLINE: '1', MEM_NO_WORKER: '1' });
    Object.assign(c.env, { MEM_EMBEDDING_PROVIDER: 'local', MEM_EMBEDDING_MODEL: 'Xenova/bge-small-en-v1.5', MEM_MODEL_DIR: emptyDir, MEM_OFFLINE: '1', MEM_NO_WORKER: '1' });
    expect(a.mem(['add', 'rotate the signing keys before the release', '--scope', 'team']).code).toBe(0);
    expect(a.mem(['embed', '--json']).json<{ embedded: number }>().embedded).toBe(1);
    syncOk(a);
    const [onHub] = await query<{ model: string }>("SELECT body->>'model' AS model FROM mem_hub.ops WHERE team = 'vec' AND kind = 'memvec'");
    expect(onHub).toEqual({ model: TEST_MODEL_NAME });
    const status = (s: Sandbox) => s.mem(['embed', '--status', '--json']).json<{ counts: Record<string, number>; models: { model: string; count: number }[] }>();
    syncOk(b);
    expect(status(b).counts).toMatchObject({ completed: 1, pending: 0 });
    expect(status(b).models).toEqual([{ model: TEST_MODEL_NAME, count: 1 }]);
    syncOk(c);
    expect(status(c).counts).toMatchObject({ completed: 0, pending: 1 });
    // b pushes nothing back: it computed nothing.
    expect(syncOk(b)).toMatchObject({ pushed: 0 });
  });

  it('an edit racing a delete converges, and the delete holds; a purge leaves no body on the hub', () => {
    const [a, b, c] = [member('race'), member('race'), member('race')];
    const id = a.mem(['add', 'deploy with make release', '--scope', 'team', '--json']).json<{ id: string }>().id;
    const id2 = a.mem(['add', 'the staging password rotates on mondays', '--scope', 'team', '--json']).json<{ id: string }>().id;
    for (const s of [a, b, c]) syncOk(s);
    expect(a.mem(['edit', id, '--content', 'deploy with make release-all'], {}).code).toBe(0);
    expect(b.mem(['rm', id]).code).toBe(0);
    expect(c.mem(['edit', id2, '--content', 'the staging password rotates on fridays']).code).toBe(0);
    expect(b.mem(['rm', id2, '--purge']).code).toBe(0);
    // A use racing the purge: the increment does not bring the memory back anywhere.
    expect(a.mem(['search', 'staging password', '--scope', 'team']).code).toBe(0);
    for (const s of [a, b, c, a, b]) syncOk(s);
    const ea = sortedExport(a);
    expect(sortedExport(b)).toEqual(ea);
    expect(sortedExport(c)).toEqual(ea);
    const m = ea.memories!.map((x) => JSON.parse(x) as { id: string; content: string; deleted_at: number | null });
    expect(m.find((x) => x.id === id)).toMatchObject({ content: 'deploy with make release-all' });
    expect(m.find((x) => x.id === id)!.deleted_at).not.toBeNull();
    expect(m.find((x) => x.id === id2)).toBeUndefined();
    return query("SELECT count(*)::int AS n FROM mem_hub.ops WHERE body::text LIKE '%staging password%'").then((r) => expect(r[0]).toEqual({ n: 0 }));
  });

  it('kill -9 in the middle of a push, then sync again: nothing lost, nothing twice', async () => {
    const [a, b] = [member('crash'), member('crash')];
    const n = 4000;
    expect(a.mem(['fix', 'record', '--from-json', '-'], { input: jsonl(attempts(n, 'k', 6)) }).code).toBe(0);
    // Small batches: one transaction each on the hub, so the kill lands between two of them.
    const child = spawn(process.execPath, [BIN, 'sync'], { env: { ...a.env, MEM_SYNC_BATCH_SIZE: '500' }, cwd: a.dir, stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    // Wait for the first batch to land on the hub, then kill it in the middle of the rest.
    for (let i = 0; i < 400; i++) {
      const [r] = await query<{ n: number }>("SELECT count(*)::int AS n FROM mem_hub.ops WHERE team = 'crash'");
      if (r!.n > 0) break;
      await new Promise((res) => setTimeout(res, 25));
    }
    child.kill('SIGKILL');
    await exited;
    const [mid] = await query<{ n: number }>("SELECT count(*)::int AS n FROM mem_hub.ops WHERE team = 'crash'");
    expect(mid!.n).toBeGreaterThan(0);
    expect(mid!.n).toBeLessThan(n); // killed half-way, not after
    syncOk(a);
    const [after] = await query<{ n: number; d: number }>("SELECT count(*)::int AS n, count(DISTINCT key)::int AS d FROM mem_hub.ops WHERE team = 'crash' AND kind = 'fix'");
    expect(after).toEqual({ n, d: n });
    syncOk(b);
    expect(b.mem(['stats', '--json']).json<{ fixes: { total_fixes_attempted: number } }>().fixes.total_fixes_attempted).toBe(n);
  });

  it('with the hub stopped every local command works, sync fails in one line, then resumes and catches up', () => {
    const [a, b] = [member('down'), member('down')];
    syncOk(a);
    hub.stop();
    try {
      expect(a.mem(['fix', 'record', '--from-json', '-'], { input: jsonl(attempts(3, 'd', 7)) }).code).toBe(0);
      expect(a.mem(['add', 'written while the hub was down', '--scope', 'team']).code).toBe(0);
      for (const args of [['patterns'], ['stats'], ['list', '--scope', 'team'], ['search', 'hub down', '--scope', 'team'], ['sync', '--status', '--offline']]) {
        const r = a.mem(args);
        expect(r.code, args.join(' ') + r.stderr).toBe(0);
      }
      const r = a.mem(['sync']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^mem: hub unreachable: .*\n$/);
      const st = a.mem(['sync', '--status', '--json']).json<{ pending: number; last_error: string; hub: { reachable: boolean } }>();
      expect(st.pending).toBeGreaterThan(0);
      expect(st.last_error).toMatch(/hub unreachable/);
      expect(st.hub.reachable).toBe(false);
    } finally {
      hub.start();
    }
    syncOk(a);
    syncOk(b);
    expect(sortedExport(b)).toEqual(sortedExport(a));
    expect(a.mem(['sync', '--status', '--json']).json()).toMatchObject({ pending: 0, last_error: null, hub: { reachable: true, behind: 0 } });
  });

  it('a store restored from a backup forks: what it writes after the restore still reaches the others', () => {
    const [a, b] = [member('fork'), member('fork')];
    expect(a.mem(['add', 'before the backup', '--scope', 'team']).code).toBe(0);
    expect(a.mem(['search', 'before the backup', '--scope', 'team']).code).toBe(0);
    syncOk(a);
    const backup = a.mem(['backup', '--dir', join(a.dir, 'bk'), '--json']).json<{ path: string }>().path;
    expect(a.mem(['add', 'after the backup, synced, then lost by the restore', '--scope', 'team']).code).toBe(0);
    syncOk(a);
    expect(a.mem(['restore', backup]).code).toBe(0);
    // Its log now reuses sequence numbers the hub already holds for other changes.
    expect(a.mem(['add', 'written after the restore', '--scope', 'team']).code).toBe(0);
    syncOk(a);
    syncOk(b);
    const list = b.mem(['list', '--scope', 'team']).stdout;
    for (const text of ['before the backup', 'synced, then lost', 'written after the restore']) expect(list).toContain(text);
    // Its log went to the hub again under a new origin, but a use counted before is not counted twice.
    const used = b.mem(['list', '--scope', 'team', '--json']).json<{ data: { content: string; reused_count: number }[] }>().data;
    expect(used.find((m) => m.content === 'before the backup')?.reused_count).toBe(1);
  });

  it("another team's role reads 0 rows and cannot write into this team", async () => {
    const a = member('red');
    expect(a.mem(['add', 'red team secret plan', '--scope', 'team']).code).toBe(0);
    syncOk(a);
    const blue = member('blue');
    const as = { user: blue.role, password: blue.password };
    expect(await query("SELECT * FROM mem_hub.ops WHERE team = 'red'", [], as)).toEqual([]);
    expect(await query('SELECT * FROM mem_hub.heads', [], as)).toEqual([]);
    expect((await query("SELECT count(*)::int AS n FROM mem_hub.ops WHERE team = 'red'"))[0]).not.toEqual({ n: 0 });
    await expect(query("INSERT INTO mem_hub.ops (team, origin, seq, kind, key, op, hlc) VALUES ('red', 'x', 1, 'mem', 'k', 'del', '0')", [], as)).rejects.toThrow(/row-level security/);
    await expect(query("UPDATE mem_hub.ops SET body = NULL WHERE team = 'red'", [], as).then(() => query("SELECT count(*)::int AS n FROM mem_hub.ops WHERE team = 'red' AND body IS NULL"))).resolves.toEqual([{ n: 0 }]);
  });

  it("another team's role can neither read this team's channel nor hear its pushes", async () => {
    const a = member('gold');
    const green = member('green');
    const listen = async (as: { user: string; password: string }, channels: string[]) => {
      const c = new pg.Client({ host: '127.0.0.1', port: hub.port, database: 'postgres', user: as.user, password: as.password });
      await c.connect();
      const heard: string[] = [];
      c.on('notification', (n) => heard.push(n.channel));
      for (const ch of channels) await c.query(`LISTEN "${ch}"`);
      return { heard, end: () => c.end() };
    };
    const tokens = async (as: { user: string; password: string }) => (await query<{ team: string }>('SELECT team FROM mem_hub.channels', [], as)).map((r) => r.team);
    const goldAs = { user: a.role, password: a.password };
    const greenAs = { user: green.role, password: green.password };
    expect(await tokens(greenAs)).toEqual(['green']);
    expect(await tokens(goldAs)).toEqual(['gold']);
    const [gold] = await query<{ token: string }>("SELECT token FROM mem_hub.channels WHERE team = 'gold'");
    const [greenTok] = await query<{ token: string }>("SELECT token FROM mem_hub.channels WHERE team = 'green'");
    expect(gold!.token).toMatch(/^[0-9a-f]{32}$/);
    // green listens on every name it can know or guess; gold's own member listens on its channel.
    const spy = await listen(greenAs, ['mem_hub_gold', 'mem_hub_green', `mem_hub_${greenTok!.token}`]);
    const own = await listen(goldAs, [`mem_hub_${gold!.token}`]);
    try {
      expect(a.mem(['add', 'pushed while green listens', '--scope', 'team']).code).toBe(0);
      syncOk(a);
      for (let i = 0; i < 100 && !own.heard.length; i++) await new Promise((r) => setTimeout(r, 20));
      expect(own.heard).toEqual([`mem_hub_${gold!.token}`]);
      await new Promise((r) => setTimeout(r, 200));
      expect(spy.heard).toEqual([]);
    } finally {
      await spy.end();
      await own.end();
    }
  });

  it('the background ingester syncs when sync.url is set; --watch follows the hub', async () => {
    const [a, b] = [member('bg'), member('bg')];
    expect(a.mem(['add', 'pushed by the ingester', '--scope', 'team']).code).toBe(0);
    // The ingester started by the shell hooks: it spawns `mem sync --quiet` when one is due.
    expect(a.mem(['__ingest', '--daemon'], { env: { MEM_HISTORY_DAEMON_LINGER_S: '1' } }).code).toBe(0);
    const onHub = async () => (await query<{ n: number }>("SELECT count(*)::int AS n FROM mem_hub.ops WHERE team = 'bg' AND body::text LIKE '%pushed by the ingester%'"))[0]!.n;
    for (let i = 0; i < 200 && (await onHub()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await onHub()).toBe(1);
    // b follows the hub: a's next write shows up without b running `mem sync`.
    const watcher = spawn(process.execPath, [BIN, 'sync', '--watch', '--json'], { env: b.env, cwd: b.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    watcher.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      for (let i = 0; i < 200 && !out.includes('"pulled"'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(b.mem(['list', '--scope', 'team']).stdout).toContain('pushed by the ingester');
      expect(a.mem(['add', 'seen by the watcher', '--scope', 'team']).code).toBe(0);
      syncOk(a);
      const seen = () => b.mem(['list', '--scope', 'team']).stdout.includes('seen by the watcher');
      for (let i = 0; i < 200 && !seen(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(seen()).toBe(true);
    } finally {
      watcher.kill('SIGTERM');
    }
  });

  it('mem serve with sync.url set syncs every sync.interval_s: another node\'s write shows in its API, and its own reach the hub', async () => {
    const [a, b] = [member('serve'), member('serve')];
    expect(b.mem(['config', 'set', 'sync.interval_s', '10']).code).toBe(0);
    const proc = spawn(process.execPath, [BIN, 'serve', '--no-auth', '--port', '0'], { env: b.env, cwd: b.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error('mem serve did not start')), 30_000);
        proc.stdout.on('data', (d: Buffer) => {
          const m = /listening on (http:\/\/\S+)/.exec((out += d.toString()));
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      const listed = async () => (await fetch(`${url}/api/v1/memories?scope=team`)).text();
      const created = await fetch(`${url}/api/v1/memories`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: 'written through the served node', scope: 'team' }) });
      expect(created.status).toBe(201);
      expect(a.mem(['add', 'written on the other node', '--scope', 'team']).code).toBe(0);
      syncOk(a);
      let text = '';
      for (let i = 0; i < 300 && !(text = await listed()).includes('written on the other node'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(text).toContain('written on the other node');
      const onHub = async () => (await query<{ n: number }>("SELECT count(*)::int AS n FROM mem_hub.ops WHERE team = 'serve' AND body::text LIKE '%through the served node%'"))[0]!.n;
      expect(await onHub()).toBe(1);
    } finally {
      proc.kill('SIGTERM');
    }
    syncOk(a);
    expect(a.mem(['list', '--scope', 'team']).stdout).toContain('written through the served node');
  });

  it('after prune, nothing it removed remains on the hub or on the other machines', async () => {
    const [a, b] = [member('prune', { shell: true }), member('prune', { shell: true })];
    const hist = join(a.dir, 'history');
    writeFileSync(hist, ['ls -la', 'curl -H "X-Internal: corp-token-7f3a9" https://intranet/api', 'git status', ''].join('\n'));
    expect(a.mem(['import-history', hist, '--shell', 'bash']).code).toBe(0);
    syncOk(a);
    syncOk(b);
    expect(b.mem(['history', '--json']).stdout).toContain('corp-token-7f3a9');
    expect((await query("SELECT count(*)::int AS n FROM mem_hub.ops WHERE body::text LIKE '%corp-token-7f3a9%'"))[0]).toEqual({ n: 1 });
    expect(a.mem(['config', 'set', 'history.ignore_commands', 'corp-token']).code).toBe(0);
    expect(a.mem(['prune', '--json']).json()).toMatchObject({ commands: { deleted: 1 } });
    syncOk(a);
    expect((await query("SELECT count(*)::int AS n FROM mem_hub.ops WHERE body::text LIKE '%corp-token%'"))[0]).toEqual({ n: 0 });
    syncOk(b);
    const h = b.mem(['history', '--json']);
    expect(h.stdout).not.toContain('corp-token');
    expect(h.stdout).toContain('git status');
  });
  it('kill -9 mid-pull after another store pruned a command: nothing learned from it survives, then or after', async () => {
    const [a, b] = [member('pullkill', { shell: true }), member('pullkill', { shell: true })];
    const SECRET = 'corp-token-51c0de';
    const hist = join(a.dir, 'history');
    writeFileSync(hist, ['ls -la', `curl -H "X-Internal: ${SECRET}" https://intranet/api`, 'git status', `curl -H "X-Internal: ${SECRET}" https://intranet/api`, 'make', ''].join('\n'));
    expect(a.mem(['import-history', hist, '--shell', 'bash']).code).toBe(0);
    syncOk(a);
    syncOk(b);
    expect(b.mem(['__ingest', '--learn-all']).code).toBe(0);
    const learned = () => {
      const db = new Database(b.db, { readonly: true });
      try {
        const rows = ['predict_commands', 'predict_transitions', 'predict_contexts', 'predict_streams', 'workflows', 'workflow_dirs'].flatMap((t) => db.prepare(`SELECT * FROM ${t}`).all());
        return rows.filter((r) => JSON.stringify(r).includes(SECRET)).length;
      } finally {
        db.close();
      }
    };
    expect(learned()).toBeGreaterThan(0); // b learned from it

    // a prunes it, then records much more: the deletion is the first of many batches for b.
    expect(a.mem(['config', 'set', 'history.ignore_commands', 'corp-token']).code).toBe(0);
    expect(a.mem(['prune', '--json']).json()).toMatchObject({ commands: { deleted: 2 } });
    writeFileSync(hist, Array.from({ length: 3000 }, (_, i) => `echo later-${i}`).join('\n') + '\n');
    expect(a.mem(['import-history', hist, '--shell', 'bash', '--no-learn']).code).toBe(0);
    syncOk(a);

    // b pulls in batches of 100; it is killed as soon as the deletion has been applied.
    const child = spawn(process.execPath, [BIN, 'sync'], { env: { ...b.env, MEM_SYNC_BATCH_SIZE: '100' }, cwd: b.dir, stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    const watch = new Database(b.db, { readonly: true });
    const left = watch.prepare('SELECT count(*) FROM commands WHERE command LIKE ?').pluck();
    const later = watch.prepare("SELECT count(*) FROM commands WHERE command LIKE 'echo later-%'").pluck();
    for (let i = 0; i < 20_000 && (left.get(`%${SECRET}%`) as number) > 0; i++) await new Promise((res) => setTimeout(res, 1));
    child.kill('SIGKILL');
    await exited;
    const pulledLater = later.get() as number;
    watch.close();
    expect(pulledLater).toBeLessThan(3000); // killed mid-pull, not after
    expect(learned()).toBe(0);
    // The next sync pulls the rest; what was learned from the pruned command does not come back.
    syncOk(b);
    expect(b.mem(['__ingest', '--learn-all']).code).toBe(0);
    expect(learned()).toBe(0);
    expect(b.mem(['predict', '--json', '-n', '20', '--context', 'ls -la']).stdout).not.toContain(SECRET);
  });
});
