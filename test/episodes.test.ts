// Episodes end to end through the command functions, on a real SQLite store in a temp dir: the
// lifecycle and the experience memory it leaves, bad input, failure analysis on a crafted set,
// and similar episodes in keyword mode (offline, no model).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as episode from '../src/commands/episode.js';
import { createContext, type Ctx } from '../src/context.js';
import { MemError } from '../src/errors.js';
import type { FailureAnalysis } from '../src/memory/episode-analysis.js';

let dir: string;
let clock: number;
let ctxs: Ctx[] = [];
/** The context a table-driven case calls into (set just before the call). */
let ctxNow: Ctx | undefined;

interface Run {
  ctx: Ctx;
  out: string[];
  err: string[];
  json<T = any>(): T;
}

/** A context over the temp store: offline, no embedding model, no background worker, fixed clock. */
async function cli(json = true): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const env: NodeJS.ProcessEnv = {
    HOME: dir,
    MEM_HOME: join(dir, 'data'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    MEM_OFFLINE: '1',
    MEM_NO_WORKER: '1',
    MEM_SCOPE: 'proj',
  };
  const proc = {
    env,
    cwd: () => dir,
    stdout: { isTTY: false, write: (s: string) => out.push(s) },
    stderr: { isTTY: false, write: (s: string) => err.push(s) },
    stdin: { isTTY: false },
  } as unknown as NodeJS.Process;
  const ctx = await createContext({ json }, proc);
  ctx.now = () => (clock += 1000);
  ctxs.push(ctx);
  return { ctx, out, err, json: () => JSON.parse(out.join('')) };
}

async function rejection(p: unknown): Promise<MemError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MemError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

async function startEpisode(task: string, opts: Record<string, unknown> = {}): Promise<string> {
  const r = await cli();
  episode.start(r.ctx, opts, task);
  return r.json<{ id: string }>().id;
}

async function addEvent(id: string, type: string, data?: unknown, role?: string): Promise<void> {
  episode.event((await cli()).ctx, { type, role, data: data === undefined ? undefined : JSON.stringify(data) }, id);
}

async function endEpisode(id: string, success: boolean, metrics?: unknown): Promise<any> {
  const r = await cli();
  episode.end(r.ctx, { success, failure: !success, metrics: metrics === undefined ? undefined : JSON.stringify(metrics) }, id);
  return r.json();
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mem-episodes-'));
  clock = Date.parse('2025-03-01T10:00:00Z');
});
afterEach(() => {
  for (const c of ctxs) c.close();
  ctxs = [];
  rmSync(dir, { recursive: true, force: true });
});

const ghp = 'ghp_' + 'a1B2'.repeat(9);

describe('episode lifecycle', () => {
  it('records events in order, ends with an outcome and leaves a redacted experience memory', async () => {
    const id = await startEpisode('migrate the users table', { context: JSON.stringify({ repo: 'api', token: ghp }) });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await addEvent(id, 'plan', { steps: 3 }, 'agent');
    await addEvent(id.slice(0, 8), 'run_tests', { passed: 12 });
    await addEvent(id, 'deploy', { error: `push failed: auth ${ghp} rejected` });
    const ended = await endEpisode(id, false, { duration_s: 42 });
    expect(ended).toMatchObject({ id, success: false, events: 3 });

    const shown = await cli();
    episode.show(shown.ctx, {}, id);
    const e = shown.json();
    expect(e.events.map((v: any) => v.type)).toEqual(['plan', 'run_tests', 'deploy']);
    expect(e.events[0]).toMatchObject({ role: 'agent', data: { steps: 3 } });
    expect(e).toMatchObject({ task: 'migrate the users table', scope: 'proj', success: false, metrics: { duration_s: 42 } });
    expect(e.ended_at).not.toBeNull();

    const db = shown.ctx.db();
    const m = db.prepare("SELECT * FROM memories WHERE kind = 'experience'").get() as any;
    expect(m).toMatchObject({ task_id: id, source: 'ai_extracted', success: 0, scope: 'proj', title: 'migrate the users table', embedding_status: 'pending' });
    expect(ended.memory_id).toBe(m.id);
    expect(m.content).toContain('migrate the users table');
    expect(m.content).toContain('Outcome: failure after 3 events');
    expect(m.content).toContain('Steps: plan → run_tests → deploy (error: push failed');
    expect(JSON.parse(m.metadata)).toMatchObject({ episode_id: id, events: 3 });
    // No secret anywhere: episode context, event data, memory content.
    const everything = JSON.stringify([db.prepare('SELECT * FROM episodes').all(), db.prepare('SELECT * FROM episode_events').all(), db.prepare('SELECT * FROM memories').all()]);
    expect(everything).not.toContain(ghp);
    expect(everything).toContain('[REDACTED:github_token]');
    // Searchable like any memory.
    expect(db.prepare("SELECT COUNT(*) AS c FROM memories_fts WHERE memories_fts MATCH 'users'").get()).toEqual({ c: 1 });
  });

  it('collapses repeated steps and keeps identical episodes apart', async () => {
    const ids = [await startEpisode('lint the repo'), await startEpisode('lint the repo')];
    for (const id of ids) {
      for (let i = 0; i < 3; i++) await addEvent(id, 'lint');
      await endEpisode(id, true);
    }
    const db = (await cli()).ctx.db();
    const rows = db.prepare("SELECT content, task_id FROM memories WHERE kind = 'experience' ORDER BY n").all() as any[];
    expect(rows.map((r) => r.task_id)).toEqual(ids);
    expect(rows[0].content).toContain('Steps: lint ×3');
  });

  it.each([
    ['bad --data JSON', (id: string) => episode.event(ctxNow!, { type: 'x', data: '{nope' }, id), 2, /--data is not valid JSON/],
    ['--data not an object', (id: string) => episode.event(ctxNow!, { type: 'x', data: '[1]' }, id), 2, /--data must be a JSON object/],
    ['bad --context', () => episode.start(ctxNow!, { context: 'x' }, 'task'), 2, /--context is not valid JSON/],
    ['bad --metrics', (id: string) => episode.end(ctxNow!, { success: true, metrics: '{' }, id), 2, /--metrics is not valid JSON/],
    ['no outcome', (id: string) => episode.end(ctxNow!, {}, id), 2, /--success or --failure/],
    ['both outcomes', (id: string) => episode.end(ctxNow!, { success: true, failure: true }, id), 2, /--success or --failure/],
    ['empty type', (id: string) => episode.event(ctxNow!, { type: '  ' }, id), 2, /--type must not be empty/],
    ['empty task', () => episode.start(ctxNow!, {}, '  '), 2, /give the task/],
    ['unknown episode', () => episode.event(ctxNow!, { type: 'x' }, '00000000-0000'), 1, /no episode '00000000-0000'/],
    ['too short an id', () => episode.show(ctxNow!, {}, 'abc'), 2, /too short/],
  ])('%s is a one-line error with the right exit code', async (_name, call, code, message) => {
    const id = await startEpisode('something');
    ctxNow = (await cli()).ctx;
    const e = await rejection((async () => call(id))());
    expect(e.exitCode).toBe(code);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
  });

  it('refuses events and a second end on an ended episode', async () => {
    const id = await startEpisode('one shot');
    await endEpisode(id, true);
    for (const call of [() => addEvent(id, 'late'), () => endEpisode(id, false)]) {
      const e = await rejection(call());
      expect(e.exitCode).toBe(1);
      expect(e.code).toBe('episode_ended');
      expect(e.message).toMatch(/already ended \(success\)/);
    }
  });
});


describe('episode failures', () => {
  it('finds the step failed episodes end on, their common error, and compares with successes', async () => {
    // 6 failed: 5 end right after a deploy that errors, 1 errors on deploy and then rolls back.
    for (let i = 0; i < 6; i++) {
      const id = await startEpisode(`release build ${i}`);
      await addEvent(id, 'plan');
      await addEvent(id, 'test');
      await addEvent(id, 'deploy', { error: `connection refused by 10.0.0.${i}:5432` });
      if (i === 5) await addEvent(id, 'rollback');
      await endEpisode(id, false);
    }
    // 4 successful: the same steps, a clean deploy, then a verification.
    for (let i = 0; i < 4; i++) {
      const id = await startEpisode(`release build ok ${i}`);
      for (const t of ['plan', 'test', 'deploy', 'verify']) await addEvent(id, t);
      await endEpisode(id, true);
    }
    await startEpisode('still running'); // open: not counted
    const r = await cli();
    episode.failures(r.ctx, {});
    const a = r.json<FailureAnalysis>();
    expect(a).toMatchObject({ scope: 'proj', failed: 6, succeeded: 4 });
    expect(a.final_steps[0]).toEqual({ type: 'deploy', failed_episodes: 5, failed_share: 0.833, succeeded_episodes: 0, succeeded_share: 0 });
    expect(a.final_steps[1]).toMatchObject({ type: 'rollback', failed_episodes: 1 });
    expect(a.errors).toHaveLength(1); // the addresses differ, the normalised error does not
    expect(a.errors[0]).toMatchObject({ type: 'deploy', error: 'connection refused by', occurrences: 6, failed_episodes: 6, failed_share: 1, succeeded_share: 0 });
    const deploy = a.event_types.find((t) => t.type === 'deploy')!;
    expect(deploy).toMatchObject({ occurrences: 6, failed_share: 1, succeeded_share: 1 });
    expect(a.event_types.find((t) => t.type === 'verify')).toBeUndefined(); // never in a failed episode

    const text = await cli(false);
    episode.failures(text.ctx, { limit: '2' });
    expect(text.out.join('')).toContain('6 failed and 4 successful episodes in scope proj');
    expect(text.out.join('')).toContain('connection refused by');
  });

  it('says so when nothing failed, and rejects a bad --limit', async () => {
    const r = await cli(false);
    episode.failures(r.ctx, { allScopes: true });
    expect(r.out.join('')).toContain('no failed episodes in all scopes');
    expect((await rejection((async () => episode.failures(r.ctx, { limit: 'x' }))())).exitCode).toBe(2);
  });
});

describe('episode similar (keyword mode: offline, no model)', () => {
  it('maps experience memories back to episodes with similarity and outcome', async () => {
    const fail = await startEpisode('deploy the billing service to staging');
    await addEvent(fail, 'deploy', { error: 'timeout' });
    await endEpisode(fail, false);
    const ok = await startEpisode('deploy the billing service to production');
    await addEvent(ok, 'deploy');
    await endEpisode(ok, true);
    const other = await startEpisode('write the CLI reference docs');
    await endEpisode(other, true);
    await startEpisode('deploy billing again'); // open: no experience memory yet

    const r = await cli();
    await episode.similar(r.ctx, { topK: '5' }, 'billing service deploy');
    const res = r.json();
    expect(res.mode).toBe('keyword');
    expect(res.notice).toMatch(/keyword results only/);
    expect(res.results.map((x: any) => x.episode_id).sort()).toEqual([fail, ok].sort());
    for (const x of res.results) {
      expect(x.similarity).toBeGreaterThan(0);
      expect(x.similarity).toBeLessThanOrEqual(1);
      expect(x.task).toContain('billing service');
    }
    expect(res.results.find((x: any) => x.episode_id === fail)).toMatchObject({ success: false, events: 1 });

    const only = await cli();
    await episode.similar(only.ctx, { successOnly: true }, 'billing service deploy');
    expect(only.json().results.map((x: any) => [x.episode_id, x.success])).toEqual([[ok, true]]);

    const text = await cli(false);
    await episode.similar(text.ctx, { topK: '1' }, 'reference docs');
    expect(text.out.join('')).toContain('write the CLI reference docs');
    expect(text.err.join('')).toMatch(/semantic ranking unavailable/);
  });
});
