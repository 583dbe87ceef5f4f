// Learned patterns through the command functions on a real SQLite store: extraction from crafted
// task memories, min-samples, listing, feedback clamping, and the regex guards (static rejection,
// the worker timeout backstop, invalid syntax).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMem } from '../src/core/mem.js';
import { MemError } from '../src/errors.js';
import { derive } from '../src/patterns/derive.js';
import { matchInWorker } from '../src/patterns/regex-worker.js';
import { unsafeReason } from '../src/util/safe-regex.js';
import { MemoryStore } from '../src/memory/store/memories.js';
import { memIn, type InProcess } from './support/inproc.js';

let dir: string;

const env = (): NodeJS.ProcessEnv => ({ HOME: dir, MEM_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config'), MEM_OFFLINE: '1', MEM_NO_WORKER: '1', MEM_SCOPE: 'proj' });

/** `{minSamples: '3', helpful: true}` as flags: `--min-samples 3 --helpful`. */
function flags(opts: Record<string, unknown>): string[] {
  return Object.entries(opts).flatMap(([k, v]) => {
    const flag = '--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    return v === true ? [flag] : v === undefined || v === false ? [] : [flag, typeof v === 'string' ? v : JSON.stringify(v)];
  });
}

/** `mem ARGS` in-process over the temp store. */
const run = (args: string[], json = true): Promise<InProcess> => memIn({ env: env(), cwd: dir }, json ? [...args, '--json'] : args);

/** The error a failed run reported (its JSON on stderr). */
async function rejection(r: Promise<InProcess>): Promise<{ exitCode: number; code: string; message: string }> {
  const res = await r;
  if (res.code === 0) throw new Error('expected an error');
  const e = JSON.parse(res.err).error as { code: string; message: string };
  return { exitCode: res.code, code: e.code, message: e.message };
}

const store = () => openMem({ env: env(), cwd: dir }).world.db();

function addTasks(items: { content: string; success: boolean | null; kind?: string; title?: string; scope?: string }[]): void {
  new MemoryStore(store()).add(
    items.map((m) => ({ kind: m.kind ?? 'task', content: m.content, title: m.title ?? '', tags: [], metadata: {}, source: 'manual', source_id: null, scope: m.scope ?? 'proj', success: m.success, task_id: null, language: null })),
    Date.now(),
  );
}

/** 12 deploy tasks, worded differently: the successful ones ran migrations first, the failed ones skipped tests. */
const DEPLOYS = [
  ...[
    'Deploy the api service: ran migrations first, then rolled out to staging',
    'Deploy web frontend after we ran migrations first; smoke checks passed',
    'Deploy worker queue, ran migrations first and watched the logs',
    'Deploy billing: ran migrations first, canary looked healthy',
    'Deploy search index service, ran migrations first then flipped traffic',
    'Deploy auth: ran migrations first, rollout finished in ten minutes',
  ].map((content) => ({ content, success: true })),
  ...[
    'Deploy the api service: skipped tests to save time, rolled out to production',
    'Deploy web frontend, skipped tests, pages broke',
    'Deploy worker queue: skipped the tests and the queue jammed',
    'Deploy billing but skipped tests; invoices failed',
    'Deploy search with skipped tests, index corrupted',
  ].map((content) => ({ content, success: false })),
  { content: 'Deploy the auth service: skipped the tests again, production went down', success: false, kind: 'experience' },
];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mem-patterns-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('patterns extract', () => {
  beforeEach(() => {
    addTasks([
      ...DEPLOYS,
      { content: 'Write the docs for deploy scripts', success: null }, // no outcome: not a sample
      { content: 'Deploy notes', success: true, kind: 'note' }, // not a task
      { content: 'Deploy the api service elsewhere', success: true, scope: 'other' }, // other scope
      ...[1, 2].map((i) => ({ content: `Update the changelog ${i}`, success: true })),
    ]);
  });

  it('finds success and failure indicators, recommended context and a confidence, and stores them', async () => {
    const r = await run(['task-patterns', 'extract', ...flags({ match: 'deploy', type: 'success' })]);
    const p = r.json();
    expect(p).toMatchObject({ type: 'success', match: 'deploy', scope: 'proj', samples: 12, successes: 6, updated: false, embedding_model: null });
    expect(p.success_indicators[0]).toEqual({ term: 'ran migrations first', successes: 6, failures: 0, score: expect.any(Number) });
    expect(p.success_indicators[0].score).toBeGreaterThan(2);
    expect(p.failure_indicators[0]).toMatchObject({ term: 'skipped tests', successes: 0, failures: 6 });
    expect(p.failure_indicators[0].score).toBeLessThan(-2);
    expect(p.success_indicators.length).toBeLessThanOrEqual(5);
    expect(p.recommended_context.map((x: any) => x.term)).toContain('ran migrations first');
    expect(p.recommended_context.every((x: any) => x.share >= 0.5)).toBe(true);
    expect(p.description).toMatch(/6\/12 succeeded.*"ran migrations first".*"skipped tests"/);
    expect(p.confidence).toBeGreaterThan(0.5);
    expect(p.confidence).toBeLessThanOrEqual(1);
    const row = store().prepare('SELECT * FROM learned_patterns WHERE id = ?').get(p.id) as any;
    expect(JSON.parse(row.success_indicators)[0].term).toBe('ran migrations first');

    // The same extraction again updates the pattern in place.
    const again = await run(['task-patterns', 'extract', ...flags({ match: 'deploy', type: 'success' })]);
    expect(again.json()).toMatchObject({ id: p.id, updated: true });
    const text = await run(['task-patterns', 'extract', ...flags({ match: 'DEPLOY', type: 'failure' })], false);
    expect(text.out).toMatch(/failure indicators: skipped tests \(0 ok \/ 6 failed\)/);
  });

  it.each([
    ['too few samples', { match: 'changelog', type: 'success' }, 1, /only 2 task memories in scope proj match \/changelog\/.*at least 3 are needed/],
    ['min-samples above the samples', { match: 'deploy', type: 'success', minSamples: '13' }, 1, /only 12 task memories/],
    ['nothing matches', { match: 'kubernetes', type: 'success' }, 1, /only 0 task memories/],
    ['bad type', { match: 'deploy', type: 'great' }, 2, /--type must be success, failure, optimization/],
    ['bad min-samples', { match: 'deploy', type: 'success', minSamples: 'x' }, 2, /--min-samples expects a whole number/],
    ['invalid regex', { match: '(deploy', type: 'success' }, 2, /--match is not a valid regular expression: .*Unterminated group/],
    ['nested quantifier', { match: '(a+)+$', type: 'success' }, 2, /could take exponential time \(a repeated group contains another repetition/],
    ['overlapping alternation', { match: '(a|aa)*b', type: 'success' }, 2, /alternatives that can match the same text/],
  ])('%s: a one-line error', async (_name, opts, code, message) => {
    const e = await rejection(run(['task-patterns', 'extract', ...flags(opts)]));
    expect(e.exitCode).toBe(code);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
  });
});

describe('regex guard', () => {
  it('answers within seconds on a catastrophic pattern against a long string of a', async () => {
    addTasks([{ content: 'a'.repeat(30_000) + '!', success: true }, ...DEPLOYS]);
    const t0 = Date.now();
    const e = await rejection(run(['task-patterns', 'extract', ...flags({ match: '(a+)+$', type: 'success' })]));
    expect(e.code).toBe('unsafe_regex');
    // A polynomial blow-up passes the static check; the worker's time limit stops it.
    const slow = await rejection(run(['task-patterns', 'extract', ...flags({ match: 'a*a*a*a*a*a*b', type: 'success' })]));
    expect(slow.code).toBe('regex_timeout');
    expect(slow.exitCode).toBe(2);
    expect(slow.message).toMatch(/did not finish within 2s/);
    expect(Date.now() - t0).toBeLessThan(6000);
  });

  it('terminates the worker itself after the time limit', async () => {
    const t0 = Date.now();
    const e = await matchInWorker('(a+)+$', ['a'.repeat(5000) + '!'], 300).then(
      () => Promise.reject(new Error('expected an error')),
      (err: unknown) => err as MemError,
    );
    expect(e.code).toBe('regex_timeout');
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(await matchInWorker('migrat', ['Ran MIGRATIONS', 'skipped tests', 'migrate'])).toEqual([0, 2]);
  });

  it('counts the time limit from the start of matching, not of the thread: a loaded machine starts threads slowly', async () => {
    const texts = ['Ran MIGRATIONS', 'skipped tests', 'migrate'];
    const hits = matchInWorker('migrat', texts, 200);
    // The main thread busy past the limit while the worker starts, as on a machine with a load of 20.
    for (const until = Date.now() + 400; Date.now() < until; );
    expect(await hits).toEqual([0, 2]);
  });

  it.each([
    ['(a+)+$', true],
    ['(a|aa)*', true],
    ['(\\w+\\s?)*$', true],
    ['(.*a){20}', true],
    ['(?:x*)*', true],
    ['([a-z]+)*', true],
    ['(\\s|,)+', true],
    ['deploy', false],
    ['ran migrations|skipped tests', false],
    ['(foo|bar)+', false],
    ['(\\d+\\.){3}\\d+', false],
    ['[a-z]+(x|y)*', false],
    ['^deploy\\b.*prod', false],
  ])('%s unsafe: %s', (source, unsafe) => {
    expect(unsafeReason(source) !== null).toBe(unsafe);
  });
});

describe('patterns learned and feedback', () => {
  let id: string;
  beforeEach(async () => {
    addTasks(DEPLOYS);
    id = (await run(['task-patterns', 'extract', ...flags({ match: 'deploy', type: 'success' })])).json().id;
    await run(['task-patterns', 'extract', ...flags({ match: 'service', type: 'failure' })]);
  });

  it('the old spellings (mem patterns learned|extract|feedback) are hidden aliases that mean the same', async () => {
    expect((await run(['patterns', 'learned', ...flags({ type: 'failure' })])).json()).toEqual((await run(['task-patterns', ...flags({ type: 'failure' })])).json());
    expect((await run(['task-patterns', 'learned', ...flags({ limit: '1' })])).json().patterns).toHaveLength(1);
    expect((await run(['patterns', 'extract', ...flags({ match: 'deploy', type: 'success' })])).json()).toMatchObject({ id, updated: true });
    expect((await run(['patterns', 'feedback', id, '--helpful'])).json().feedback.helpful).toBe(1);
  });

  it('task-patterns extract requires --type (its parent parses a --type of its own)', async () => {
    const e = await rejection(run(['task-patterns', 'extract', ...flags({ match: 'deploy' })]));
    expect(e).toMatchObject({ exitCode: 2, code: 'usage' });
    expect(e.message).toMatch(/--type/);
  });

  it('lists, filters by type and limits', async () => {
    expect((await run(['task-patterns', ...flags({})])).json().patterns).toHaveLength(2);
    expect((await run(['task-patterns', ...flags({ type: 'failure' })])).json().patterns.map((p: any) => p.match)).toEqual(['service']);
    expect((await run(['task-patterns', ...flags({ limit: '1' })])).json().patterns).toHaveLength(1);
    expect((await run(['task-patterns', ...flags({ scope: 'elsewhere' })])).json().patterns).toHaveLength(0);
    expect((await run(['task-patterns', ...flags({})], false)).out).toContain(id.slice(0, 8));
  });

  it.each([
    ['helpful raises by the adjust', [{ helpful: true, adjust: '0.1' }], (c0: number) => Math.min(1, c0 + 0.1), 1, 0],
    ['helpful clamps at 1', [{ helpful: true, adjust: '0.9' }, { helpful: true, adjust: '0.9' }], () => 1, 2, 0],
    ['not helpful clamps at 0', [{ notHelpful: true, adjust: '1' }, { notHelpful: true }], () => 0, 0, 2],
    ['default adjust is 0.1', [{ notHelpful: true }], (c0: number) => Math.max(0, c0 - 0.1), 0, 1],
  ])('%s', async (_name, steps, expected, helpful, notHelpful) => {
    const c0 = (await run(['task-patterns', ...flags({ type: 'success' })])).json().patterns[0].confidence;
    let p: any;
    for (const s of steps) p = (await run(['task-patterns', 'feedback', id.slice(0, 8), ...flags(s)])).json();
    expect(p.confidence).toBeCloseTo(expected(c0), 3);
    expect(p.feedback).toEqual({ helpful, not_helpful: notHelpful });
  });

  it.each([
    ['no verdict', {}, 2, /--helpful or --not-helpful/],
    ['both verdicts', { helpful: true, notHelpful: true }, 2, /--helpful or --not-helpful/],
    ['adjust out of range', { helpful: true, adjust: '2' }, 2, /--adjust must be/],
    ['adjust not a number', { helpful: true, adjust: 'lots' }, 2, /--adjust must be/],
  ])('feedback with %s is a usage error', async (_name, opts, code, message) => {
    const e = await rejection(run(['task-patterns', 'feedback', id, ...flags(opts)]));
    expect([e.exitCode, e.message]).toEqual([code, expect.stringMatching(message)]);
  });

  it('an unknown pattern id is a clear error', async () => {
    const e = await rejection(run(['task-patterns', 'feedback', 'ffffffff', ...flags({ helpful: true })]));
    expect([e.exitCode, e.code]).toEqual([1, 'not_found']);
  });
});

describe('derive', () => {
  it('gives no indicators when every sample has the same outcome, and a low confidence', () => {
    const d = derive([1, 2, 3].map((i) => ({ text: `deploy ${i} ran migrations`, success: true })));
    expect(d.success_indicators).toEqual([]);
    expect(d.failure_indicators).toEqual([]);
    expect(d.recommended_context[0]).toMatchObject({ term: 'deploy ran migrations', share: 1 });
    expect(d.confidence).toBeLessThan(0.1);
  });
});
