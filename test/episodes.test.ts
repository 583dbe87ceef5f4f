// Episodes end to end through the CLI in-process, on a real SQLite store in a temp dir: the
// lifecycle and the experience memory it leaves, bad input, failure analysis on a crafted set,
// and similar episodes in keyword mode (offline, no model).
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FailureAnalysis } from '../src/episodes/analysis.js';
import { memIn, type InProcess } from './support/inproc.js';

let dir: string;
let clock: number;

/** `mem ARGS` over the temp store: offline, no embedding model, no background worker, fixed clock. */
function mem(args: string[], json = true): Promise<InProcess> {
  const env: NodeJS.ProcessEnv = {
    HOME: dir,
    MEM_HOME: join(dir, 'data'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    MEM_OFFLINE: '1',
    MEM_NO_WORKER: '1',
    MEM_SCOPE: 'proj',
  };
  return memIn({ env, cwd: dir, now: () => (clock += 1000) }, json ? [...args, '--json'] : args);
}

/** Runs and expects success. */
async function ok(args: string[], json = true): Promise<InProcess> {
  const r = await mem(args, json);
  if (r.code !== 0) throw new Error(`mem ${args.join(' ')} exited ${r.code}: ${r.err}`);
  return r;
}

const store = () => new Database(join(dir, 'data', 'mem.db'));

async function startEpisode(task: string, context?: unknown): Promise<string> {
  return (await ok(['episode', 'start', task, ...(context === undefined ? [] : ['--context', JSON.stringify(context)])])).json<{ id: string }>().id;
}

async function addEvent(id: string, type: string, data?: unknown, role?: string): Promise<InProcess> {
  return mem(['episode', 'event', id, '--type', type, ...(role ? ['--role', role] : []), ...(data === undefined ? [] : ['--data', JSON.stringify(data)])]);
}

async function endEpisode(id: string, success: boolean, metrics?: unknown): Promise<InProcess> {
  return mem(['episode', 'end', id, success ? '--success' : '--failure', ...(metrics === undefined ? [] : ['--metrics', JSON.stringify(metrics)])]);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mem-episodes-'));
  clock = Date.parse('2025-03-01T10:00:00Z');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const ghp = 'ghp_' + 'a1B2'.repeat(9);

describe('episode lifecycle', () => {
  it('records events in order, ends with an outcome and leaves a redacted experience memory', async () => {
    const id = await startEpisode('migrate the users table', { repo: 'api', token: ghp });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await addEvent(id, 'plan', { steps: 3 }, 'agent');
    await addEvent(id.slice(0, 8), 'run_tests', { passed: 12 });
    await addEvent(id, 'deploy', { error: `push failed: auth ${ghp} rejected` });
    const ended = (await endEpisode(id, false, { duration_s: 42 })).json();
    expect(ended).toMatchObject({ id, success: false, events: 3 });

    const e = (await ok(['episode', 'show', id])).json();
    expect(e.events.map((v: any) => v.type)).toEqual(['plan', 'run_tests', 'deploy']);
    expect(e.events[0]).toMatchObject({ role: 'agent', data: { steps: 3 } });
    expect(e).toMatchObject({ task: 'migrate the users table', scope: 'proj', success: false, metrics: { duration_s: 42 } });
    expect(e.ended_at).not.toBeNull();

    const db = store();
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
    const db = store();
    const rows = db.prepare("SELECT content, task_id FROM memories WHERE kind = 'experience' ORDER BY n").all() as any[];
    expect(rows.map((r) => r.task_id)).toEqual(ids);
    expect(rows[0].content).toContain('Steps: lint ×3');
  });

  it.each([
    ['bad --data JSON', (id: string) => ['episode', 'event', id, '--type', 'x', '--data', '{nope'], 2, /--data is not valid JSON/],
    ['--data not an object', (id: string) => ['episode', 'event', id, '--type', 'x', '--data', '[1]'], 2, /--data must be a JSON object/],
    ['bad --context', () => ['episode', 'start', 'task', '--context', 'x'], 2, /--context is not valid JSON/],
    ['bad --metrics', (id: string) => ['episode', 'end', id, '--success', '--metrics', '{'], 2, /--metrics is not valid JSON/],
    ['no outcome', (id: string) => ['episode', 'end', id], 2, /--outcome success or --outcome failure/],
    ['both outcomes', (id: string) => ['episode', 'end', id, '--success', '--failure'], 2, /--success and --failure contradict each other/],
    ['empty type', (id: string) => ['episode', 'event', id, '--type', '  '], 2, /--type must not be empty/],
    ['empty task', () => ['episode', 'start', '  '], 2, /give the task/],
    ['unknown episode', () => ['episode', 'event', '00000000-0000', '--type', 'x'], 1, /no episode '00000000-0000'/],
    ['too short an id', () => ['episode', 'show', 'abc'], 2, /too short/],
  ])('%s is a one-line error with the right exit code', async (_name, args, code, message) => {
    const id = await startEpisode('something');
    const r = await mem(args(id), false);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(message);
    expect(r.err.trim()).not.toContain('\n');
  });

  it('refuses events and a second end on an ended episode', async () => {
    const id = await startEpisode('one shot');
    await endEpisode(id, true);
    for (const call of [() => addEvent(id, 'late'), () => endEpisode(id, false)]) {
      const r = await call();
      expect(r.code).toBe(1);
      const e = JSON.parse(r.err).error;
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
    const a = (await ok(['episode', 'failures'])).json<FailureAnalysis>();
    expect(a).toMatchObject({ scope: 'proj', failed: 6, succeeded: 4 });
    expect(a.final_steps[0]).toEqual({ type: 'deploy', failed_episodes: 5, failed_share: 0.833, succeeded_episodes: 0, succeeded_share: 0 });
    expect(a.final_steps[1]).toMatchObject({ type: 'rollback', failed_episodes: 1 });
    expect(a.errors).toHaveLength(1); // the addresses differ, the normalised error does not
    expect(a.errors[0]).toMatchObject({ type: 'deploy', error: 'connection refused by', occurrences: 6, failed_episodes: 6, failed_share: 1, succeeded_share: 0 });
    const deploy = a.event_types.find((t) => t.type === 'deploy')!;
    expect(deploy).toMatchObject({ occurrences: 6, failed_share: 1, succeeded_share: 1 });
    expect(a.event_types.find((t) => t.type === 'verify')).toBeUndefined(); // never in a failed episode

    const text = await ok(['episode', 'failures', '--limit', '2'], false);
    expect(text.out).toContain('6 failed and 4 successful episodes in scope proj');
    expect(text.out).toContain('connection refused by');
  });

  it('says so when nothing failed, and rejects a bad --limit', async () => {
    expect((await ok(['episode', 'failures', '--all-scopes'], false)).out).toContain('no failed episodes in all scopes');
    expect((await mem(['episode', 'failures', '--limit', 'x'])).code).toBe(2);
  });
});

describe('episode similar (keyword mode: offline, no model)', () => {
  it('maps experience memories back to episodes with similarity and outcome', async () => {
    const fail = await startEpisode('deploy the billing service to staging');
    await addEvent(fail, 'deploy', { error: 'timeout' });
    await endEpisode(fail, false);
    const good = await startEpisode('deploy the billing service to production');
    await addEvent(good, 'deploy');
    await endEpisode(good, true);
    const other = await startEpisode('write the CLI reference docs');
    await endEpisode(other, true);
    await startEpisode('deploy billing again'); // open: no experience memory yet

    const res = (await ok(['episode', 'similar', 'billing service deploy', '--top-k', '5'])).json();
    expect(res.mode).toBe('keyword');
    expect(res.notice).toMatch(/keyword results only/);
    expect(res.results.map((x: any) => x.episode_id).sort()).toEqual([fail, good].sort());
    for (const x of res.results) {
      expect(x.similarity).toBeGreaterThan(0);
      expect(x.similarity).toBeLessThanOrEqual(1);
      expect(x.task).toContain('billing service');
    }
    expect(res.results.find((x: any) => x.episode_id === fail)).toMatchObject({ success: false, events: 1 });

    const only = await ok(['episode', 'similar', 'billing service deploy', '--success-only']);
    expect(only.json().results.map((x: any) => [x.episode_id, x.success])).toEqual([[good, true]]);

    const text = await ok(['episode', 'similar', 'reference docs', '--top-k', '1'], false);
    expect(text.out).toContain('write the CLI reference docs');
  });
});
