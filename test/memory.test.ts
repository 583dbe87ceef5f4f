// Semantic memory end to end through the built CLI (run `npm run build` first): add, bulk, list,
// show/edit/rm/log, redaction, scopes, the embedding lifecycle with a generated MiniLM stand-in
// (test/support/onnx-model.ts), the keyword-only fallback without a model, export/import, kb seed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Memory } from '../src/memory/model.js';
import { jsonl, sandbox, type Result, type Sandbox } from './helpers.js';
import { TEST_MODEL_NAME, writeTestModel } from './support/onnx-model.js';

/** What `mem show --json` prints: the Memory shape the store returns. */
type MemoryJson = Memory;
interface ListJson {
  data: MemoryJson[];
  meta: { page: number; per_page: number; total: number; total_pages: number; next_cursor: string | null };
}
interface Hit {
  id: string;
  score: number;
  keyword_score: number;
  semantic_score: number;
  memory: MemoryJson;
}
interface SearchJson {
  query: string;
  mode: string;
  notice: string | null;
  results: Hit[];
}

let root: string;
let modelDir: string;
let emptyModelDir: string;
const boxes: Sandbox[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'mem-memory-'));
  modelDir = writeTestModel(join(root, 'model'));
  emptyModelDir = join(root, 'no-model');
  mkdirSync(emptyModelDir);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  for (const b of boxes.splice(0)) b.cleanup();
});

/** A sandbox that never downloads and never spawns the worker; no model unless `withModel`. */
function box(opts: { withModel?: boolean; scope?: string } = {}): Sandbox {
  const b = sandbox();
  Object.assign(b.env, { MEM_OFFLINE: '1', MEM_NO_WORKER: '1', MEM_MODEL_DIR: opts.withModel ? modelDir : emptyModelDir, NO_COLOR: '1' });
  if (opts.scope) b.env.MEM_SCOPE = opts.scope;
  boxes.push(b);
  return b;
}

function ok(r: Result): Result {
  if (r.code !== 0) throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

function add(b: Sandbox, text: string, flags: string[] = [], env?: NodeJS.ProcessEnv): string {
  return ok(b.mem(['add', ...flags, '--json', text], { env })).json<{ id: string }>().id;
}

function list(b: Sandbox, flags: string[] = [], env?: NodeJS.ProcessEnv): ListJson {
  return ok(b.mem(['list', '--json', ...flags], { env })).json<ListJson>();
}

function show(b: Sandbox, id: string): MemoryJson {
  return ok(b.mem(['show', id, '--json'])).json<MemoryJson>();
}

function search(b: Sandbox, query: string, flags: string[] = [], env?: NodeJS.ProcessEnv): SearchJson {
  return ok(b.mem(['search', query, '--json', ...flags], { env })).json<SearchJson>();
}

/** A usage error: exit 2, one `mem: ` line on stderr, nothing on stdout. */
function expectUsageError(r: Result, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^mem: /);
  expect(r.stderr).toMatch(pattern);
}

function withDb<T>(b: Sandbox, fn: (db: Database.Database) => T): T {
  const db = new Database(b.db);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('mem add', () => {
  it('prints the id and embedding_status pending, with no model and downloads off', () => {
    const b = box();
    const r = ok(b.mem(['add', 'the staging database lives on db-staging-2']));
    const [id, status, ...rest] = r.stdout.trimEnd().split('\n');
    expect(id).toMatch(UUID);
    expect(status).toBe('embedding_status: pending');
    expect(rest).toEqual([]);
    expect(r.stderr).toBe('');
    expect(show(b, id!).embedding_status).toBe('pending');
  });

  it('--json gives {id, created, duplicate_of, embedding_status, scope}', () => {
    const b = box({ scope: 'proj' });
    const j = ok(b.mem(['add', '--json', 'remember the milk'])).json<Record<string, unknown>>();
    expect(Object.keys(j).sort()).toEqual(['created', 'duplicate_of', 'embedding_status', 'id', 'scope']);
    expect(j).toMatchObject({ created: true, duplicate_of: null, embedding_status: 'pending', scope: 'proj' });
    expect(j.id).toMatch(UUID);
  });

  it('stores every flag, visible in mem show --json', () => {
    const b = box();
    const fromDash = ok(b.mem(['add', '--json', '-'], { input: 'multi\nline from stdin\n' })).json<{ id: string }>().id;
    expect(show(b, fromDash).content).toBe('multi\nline from stdin\n');
    const piped = ok(b.mem(['add', '--json'], { input: 'piped without an argument' })).json<{ id: string }>().id;
    expect(show(b, piped).content).toBe('piped without an argument');

    const id = add(b, 'Retry the upload with exponential backoff', [
      '--kind', 'solution', '--title', 'Flaky S3 uploads', '--tags', 'AWS, s3,retries', '--meta', 'ticket=OPS-12', '--meta', 'attempts=3',
      '--meta', 'flags={"a":true}', '--source', 'chat', '--source-id', 'msg-9', '--scope', 'infra', '--success', '--task-id', 'task-77', '--language', 'python',
    ]);
    expect(show(b, id)).toMatchObject({
      kind: 'solution',
      title: 'Flaky S3 uploads',
      content: 'Retry the upload with exponential backoff',
      tags: ['aws', 's3', 'retries'],
      metadata: { ticket: 'OPS-12', attempts: 3, flags: { a: true } },
      source: 'chat',
      source_id: 'msg-9',
      scope: 'infra',
      success: true,
      task_id: 'task-77',
      language: 'python',
      embedding_status: 'pending',
    });
    const failed = add(b, 'the migration broke prod', ['--kind', 'experience', '--failure']);
    expect(show(b, failed).success).toBe(false);
    expect(show(b, failed).source).toBe('manual');
    expect(show(b, failed).scope).toBe('default');
  });

  it('stores identical content of the same kind and scope once', () => {
    const b = box({ scope: 'a' });
    const first = ok(b.mem(['add', '--json', 'use pnpm in this repo'])).json<Record<string, unknown>>();
    const again = ok(b.mem(['add', '--json', 'use  pnpm in this repo '])).json<Record<string, unknown>>(); // whitespace differs only
    expect(again).toMatchObject({ id: first.id, created: false, duplicate_of: first.id });
    const human = ok(b.mem(['add', 'use pnpm in this repo']));
    expect(human.stdout).toContain(String(first.id));
    expect(human.stdout).toMatch(/already stored/);
    const otherScope = ok(b.mem(['add', '--json', '--scope', 'b', 'use pnpm in this repo'])).json<Record<string, unknown>>();
    expect(otherScope).toMatchObject({ created: true, scope: 'b' });
    expect(otherScope.id).not.toBe(first.id);
    const otherKind = ok(b.mem(['add', '--json', '--kind', 'decision', 'use pnpm in this repo'])).json<Record<string, unknown>>();
    expect(otherKind.created).toBe(true);
    expect(list(b, ['--all-scopes']).meta.total).toBe(3);
  });

  it('rejects bad input with exit 2 and one line, writing nothing', () => {
    const b = box();
    const cases: [string[], RegExp, string?][] = [
      [['add', 'x'.repeat(50_001)], /content.*50001 characters; the limit is 50000/],
      [['add', '--title', 't'.repeat(501), 'fine'], /title.*501 characters; the limit is 500/],
      [['add', '--kind', 'poem', 'roses are red'], /kind.*must be one of .*got 'poem'/],
      [['add', '--meta', 'novalue', 'text'], /meta.*expected key=value, got 'novalue'/],
      [['add', '--meta', '=v', 'text'], /meta.*expected key=value/],
      [['add', ''], /content.*must not be empty/],
      [['add', '  \n '], /content.*must not be empty/],
      [['add', '-'], /content.*must not be empty/, ''],
      [['add', '--success', '--failure', 'both'], /--success and --failure contradict/],
      [['add', '--source', 'carrier-pigeon', 'text'], /source.*must be one of/],
    ];
    for (const [args, pattern, input] of cases) expectUsageError(b.mem(args, { input }), pattern);
    // 50,000 characters exactly is allowed: the limit is inclusive.
    const edge = add(b, 'y'.repeat(50_000));
    expect(show(b, edge).content).toHaveLength(50_000);
    ok(b.mem(['rm', '--purge', edge]));
    expect(list(b, ['--all-scopes']).meta.total).toBe(0);
    // --json errors are one JSON object on stderr.
    const j = b.mem(['add', '--json', '--kind', 'poem', 'x']);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stderr)).toMatchObject({ error: { exit_code: 2 } });
  });
});

describe('mem add --bulk', () => {
  it('stores the valid lines and reports the invalid ones by line number', () => {
    const b = box({ scope: 'bulk' });
    const file = join(b.dir, 'in.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ content: 'first valid', kind: 'note', tags: ['a'] }),
        '{not json',
        JSON.stringify({ content: '' }),
        JSON.stringify({ content: 'first valid', kind: 'note' }), // duplicate of line 1
        '',
        JSON.stringify({ content: 'bad kind', kind: 'sonnet' }),
        JSON.stringify(['an', 'array']),
        JSON.stringify({ content: 'second valid', kind: 'error', scope: 'elsewhere', metadata: { k: 1 } }),
        JSON.stringify({ content: 'x', metadata: 'not an object' }),
      ].join('\n') + '\n',
    );
    const r = b.mem(['add', '--bulk', file, '--json']);
    expect(r.code).toBe(2);
    const rep = r.json<{ created: number; duplicates: number; failed: number; errors: { line: number; error: string }[]; ids: string[] }>();
    expect(rep).toMatchObject({ created: 2, duplicates: 1, failed: 5 });
    expect(rep.errors.map((e) => e.line)).toEqual([2, 3, 6, 7, 9]);
    expect(rep.errors[0]!.error).toMatch(/malformed JSON/);
    expect(rep.errors[1]!.error).toMatch(/content.*must not be empty/);
    expect(rep.errors[2]!.error).toMatch(/kind.*sonnet/);
    expect(rep.errors[3]!.error).toMatch(/expected a JSON object/);
    expect(rep.errors[4]!.error).toMatch(/metadata.*must be a JSON object/);
    const stored = list(b, ['--all-scopes']).data;
    expect(stored.map((m) => m.content).sort()).toEqual(['first valid', 'second valid']);
    expect(stored.find((m) => m.content === 'second valid')).toMatchObject({ kind: 'error', scope: 'elsewhere', metadata: { k: 1 } });
    expect(stored.find((m) => m.content === 'first valid')!.scope).toBe('bulk');

    // Human output: one `mem: line N...` per error on stderr, the summary on stdout.
    const human = b.mem(['add', '--bulk', file]);
    expect(human.code).toBe(2);
    expect(human.stdout.trim()).toBe('created 0, duplicates 3, failed 5');
    expect(human.stderr.trimEnd().split('\n')).toHaveLength(5);
    expect(human.stderr).toMatch(/^mem: line 2: malformed JSON/);

    // All valid: exit 0; --kind and --source give defaults for lines without them.
    const good = join(b.dir, 'good.jsonl');
    writeFileSync(good, jsonl([{ content: 'g1' }, { content: 'g2', kind: 'task' }]));
    const g = ok(b.mem(['add', '--bulk', good, '--kind', 'insight', '--source', 'ai_extracted', '--json'])).json<{ created: number; failed: number }>();
    expect(g).toMatchObject({ created: 2, failed: 0 });
    const kinds = list(b, ['--source', 'ai_extracted']).data.map((m) => m.kind).sort();
    expect(kinds).toEqual(['insight', 'task']);
  });

  it('refuses more than 10,000 lines as a whole', () => {
    const b = box();
    const file = join(b.dir, 'big.jsonl');
    writeFileSync(file, jsonl(Array.from({ length: 10_001 }, (_, i) => ({ content: `memory ${i}` }))));
    expectUsageError(b.mem(['add', '--bulk', file]), /at most 10000 lines, got 10001/);
    expect(list(b, ['--all-scopes']).meta.total).toBe(0);
    expectUsageError(b.mem(['add', '--bulk', join(b.dir, 'missing.jsonl')]), /cannot read .*no such file/);
  });
});

describe('mem list', () => {
  /** Memories with known creation times (set in the store: the clock is not injectable through the CLI). */
  function seeded(): { b: Sandbox; ids: Record<string, string> } {
    const b = box({ scope: 'main' });
    const ids: Record<string, string> = {};
    ids.old = add(b, 'old note about the build', ['--tags', 'build']);
    ids.mid = add(b, 'decided to use postgres', ['--kind', 'decision', '--source', 'chat', '--tags', 'db,build']);
    ids.new = add(b, 'fresh task', ['--kind', 'task']);
    ids.other = add(b, 'note in another scope', ['--scope', 'side']);
    const day = 86_400_000;
    const now = Date.now();
    withDb(b, (db) => {
      const set = db.prepare('UPDATE memories SET created_at = ?, updated_at = ? WHERE id = ?');
      set.run(now - 30 * day, now - 30 * day, ids.old);
      set.run(now - 10 * day, now - 10 * day, ids.mid);
      set.run(now - 1 * day, now - 1 * day, ids.new);
      set.run(now - 5 * day, now - 5 * day, ids.other);
      db.prepare("UPDATE memories SET embedding_status = 'failed' WHERE id = ?").run(ids.mid);
    });
    return { b, ids };
  }

  it('filters by kind, tag, source, scope, status and creation time', () => {
    const { b, ids } = seeded();
    const idsOf = (flags: string[]) => list(b, flags).data.map((m) => m.id);
    expect(idsOf([])).toEqual([ids.new, ids.mid, ids.old]); // the current scope, newest first
    expect(idsOf(['--all-scopes'])).toEqual([ids.new, ids.other, ids.mid, ids.old]);
    expect(idsOf(['--scope', 'side'])).toEqual([ids.other]);
    expect(idsOf(['--kind', 'decision'])).toEqual([ids.mid]);
    expect(idsOf(['--tag', 'BUILD'])).toEqual([ids.mid, ids.old]);
    expect(idsOf(['--source', 'chat'])).toEqual([ids.mid]);
    expect(idsOf(['--status', 'failed'])).toEqual([ids.mid]);
    expect(idsOf(['--status', 'pending'])).toEqual([ids.new, ids.old]);
    expect(idsOf(['--after', '7d'])).toEqual([ids.new]);
    expect(idsOf(['--before', '7d'])).toEqual([ids.mid, ids.old]);
    expect(idsOf(['--after', '20d', '--before', '2d'])).toEqual([ids.mid]);
    expect(idsOf(['--after', new Date(Date.now() - 15 * 86_400_000).toISOString()])).toEqual([ids.new, ids.mid]);
    expectUsageError(b.mem(['list', '--status', 'done']), /--status <status>' argument 'done' is invalid\. Allowed choices are pending, processing, completed, failed/);
    expectUsageError(b.mem(['list', '--kind', 'poem']), /kind/);
    expectUsageError(b.mem(['list', '--sort', 'size']), /--sort must be created, updated or accessed/);
  });

  it('sorts by created, updated or accessed, descending unless --asc', async () => {
    const { b, ids } = seeded();
    const idsOf = (flags: string[]) => list(b, flags).data.map((m) => m.id);
    expect(idsOf(['--asc'])).toEqual([ids.old, ids.mid, ids.new]);
    ok(b.mem(['edit', ids.old!, '--title', 'touched']));
    expect(idsOf(['--sort', 'updated'])).toEqual([ids.old, ids.new, ids.mid]);
    expect(idsOf(['--sort', 'updated', '--asc'])).toEqual([ids.mid, ids.new, ids.old]);
    show(b, ids.mid!);
    await sleep(5);
    show(b, ids.new!);
    // Never accessed sorts last (descending) and first (ascending).
    expect(idsOf(['--sort', 'accessed'])).toEqual([ids.new, ids.mid, ids.old]);
    expect(idsOf(['--sort', 'accessed', '--asc'])).toEqual([ids.old, ids.mid, ids.new]);
  });

  it('pages with --page/--per-page and walks every memory once with the cursor', () => {
    const b = box({ scope: 'pages' });
    const file = join(b.dir, 'many.jsonl');
    // One bulk call: all 23 share a creation time, so the cursor must break ties by row.
    writeFileSync(file, jsonl(Array.from({ length: 23 }, (_, i) => ({ content: `memory number ${i}` }))));
    ok(b.mem(['add', '--bulk', file]));
    const all = list(b, ['--per-page', '100']);
    expect(all.data).toHaveLength(23);

    const p1 = list(b, ['--per-page', '10']);
    expect(Object.keys(p1).sort()).toEqual(['data', 'meta']);
    expect(p1.meta).toMatchObject({ page: 1, per_page: 10, total: 23, total_pages: 3 });
    expect(p1.meta.next_cursor).toEqual(expect.any(String));
    const p3 = list(b, ['--per-page', '10', '--page', '3']);
    expect(p3.data).toHaveLength(3);
    expect(p3.meta.page).toBe(3);
    expect(p3.meta.next_cursor).toBeNull();
    const pages = [1, 2, 3].flatMap((p) => list(b, ['--per-page', '10', '--page', String(p)]).data.map((m) => m.id));
    expect(pages).toEqual(all.data.map((m) => m.id));
    expect(list(b, ['--page', '9']).data).toEqual([]);

    for (const order of [[], ['--asc'], ['--sort', 'accessed'], ['--sort', 'updated', '--asc']]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let calls = 0;
      do {
        const page: ListJson = list(b, ['--per-page', '7', ...order, ...(cursor ? ['--cursor', cursor] : [])]);
        seen.push(...page.data.map((m) => m.id));
        cursor = page.meta.next_cursor;
        expect(++calls).toBeLessThanOrEqual(4);
      } while (cursor);
      expect(seen).toHaveLength(23);
      expect(new Set(seen).size).toBe(23);
    }

    expectUsageError(b.mem(['list', '--per-page', '101']), /--per-page must be between 1 and 100/);
    expectUsageError(b.mem(['list', '--per-page', '0']), /--per-page/);
    expectUsageError(b.mem(['list', '--page', 'two']), /--page expects a whole number/);
    expectUsageError(b.mem(['list', '--cursor', 'garbage']), /invalid --cursor/);
  });
});

describe('mem show / edit / rm / log', () => {
  it('show records the access; edit changes only what is given; ids work by 8-character prefix', () => {
    const b = box();
    const id = add(b, 'the VPN needs split tunnelling for the build farm', ['--title', 'VPN', '--tags', 'net,vpn', '--meta', 'owner=ops']);
    const short = id.slice(0, 8);
    const before = list(b).data[0]!;
    expect(before.accessed_at).toBeNull();
    const seen = show(b, short);
    expect(seen.id).toBe(id);
    expect(seen.accessed_at).not.toBeNull();
    expect(list(b).data[0]!.accessed_at).toBe(seen.accessed_at);

    const edited = ok(b.mem(['edit', short, '--title', 'VPN split tunnel', '--json'])).json<MemoryJson>();
    expect(edited).toMatchObject({ title: 'VPN split tunnel', content: before.content, tags: ['net', 'vpn'], metadata: { owner: 'ops' } });
    expect(Date.parse(edited.updated_at)).toBeGreaterThanOrEqual(Date.parse(before.updated_at));
    expect(ok(b.mem(['edit', short, '--tags', 'Network'])).stdout.trim()).toBe(`updated ${id}`);
    expect(show(b, id)).toMatchObject({ title: 'VPN split tunnel', tags: ['network'], metadata: { owner: 'ops' }, content: before.content });
    // The tag filter follows the edit: old tags are gone from it.
    expect(list(b, ['--tag', 'vpn']).data).toEqual([]);
    expect(list(b, ['--tag', 'network']).data.map((m) => m.id)).toEqual([id]);
    ok(b.mem(['edit', short, '--meta', 'owner=netops', '--meta', 'sev=2']));
    expect(show(b, id).metadata).toEqual({ owner: 'netops', sev: 2 });
    const changed = ok(b.mem(['edit', short, '--content', '-'], { input: 'new text from stdin' }));
    expect(changed.stdout).toMatch(/content changed: embedding_status pending/);
    expect(show(b, id)).toMatchObject({ content: 'new text from stdin', title: 'VPN split tunnel', tags: ['network'] });

    expectUsageError(b.mem(['edit', short]), /nothing to change/);
    expectUsageError(b.mem(['edit', short, '--title', 'x'.repeat(501)]), /title/);
    expectUsageError(b.mem(['show', id.slice(0, 4)]), /too short/);
    const missing = b.mem(['show', 'ffffffff-0000']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^mem: no memory 'ffffffff-0000'\n$/);
  });

  it('rm soft-deletes (gone from list, search and show; kept in the log), --purge deletes for good', () => {
    const b = box();
    const id = add(b, 'kubernetes ingress needs the nginx class annotation');
    const keep = add(b, 'kubernetes pods restart when the liveness probe is too strict');
    ok(b.mem(['edit', id.slice(0, 8), '--title', 'ingress']));
    expect(search(b, 'kubernetes', ['--mode', 'keyword']).results.map((h) => h.id).sort()).toEqual([id, keep].sort());

    const rm = ok(b.mem(['rm', id.slice(0, 8), '--json'])).json<{ id: string; purged: boolean }>();
    expect(rm).toEqual({ id, purged: false });
    expect(list(b).data.map((m) => m.id)).toEqual([keep]);
    expect(search(b, 'kubernetes ingress', ['--mode', 'keyword']).results.map((h) => h.id)).toEqual([keep]);
    const gone = b.mem(['show', id]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/no memory/);
    expect(b.mem(['edit', id, '--title', 'x']).code).toBe(1);

    const log = ok(b.mem(['log', id.slice(0, 8), '--json'])).json<{ entries: { action: string; at: string; changes: Record<string, unknown> }[] }>();
    expect(log.entries.map((e) => e.action)).toEqual(['create', 'edit', 'delete']);
    expect(log.entries[1]!.changes).toEqual({ title: { from: '', to: 'ingress' } });
    const ats = log.entries.map((e) => Date.parse(e.at));
    expect([...ats].sort((x, y) => x - y)).toEqual(ats);
    const human = ok(b.mem(['log', id])).stdout.trimEnd().split('\n');
    expect(human.map((l) => l.split(/\s+/)[1])).toEqual(['create', 'edit', 'delete']);

    ok(b.mem(['rm', id, '--purge']));
    expect(b.mem(['log', id]).code).toBe(1);
    expect(withDb(b, (db) => db.prepare('SELECT COUNT(*) AS c FROM memories WHERE id = ?').get(id))).toEqual({ c: 0 });
    ok(b.mem(['rm', keep, '--purge']));
    expect(list(b, ['--all-scopes']).meta.total).toBe(0);
  });
});

describe('safety of what is stored and printed', () => {
  it('redacts secrets in content, title and metadata before storing them', () => {
    const b = box();
    const gh = `ghp_${'A1b2C3d4E5'.repeat(3)}abcdef`;
    const aws = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const id = add(b, `deploy with GITHUB_TOKEN=${gh} and AWS_SECRET_ACCESS_KEY=${aws}`, ['--title', `token ${gh}`, '--meta', 'password=hunter2hunter2', '--meta', `note=uses ${gh}`]);
    const m = show(b, id);
    const stored = JSON.stringify(m);
    for (const secret of [gh, aws, 'hunter2hunter2']) expect(stored).not.toContain(secret);
    expect(m.content).toMatch(/\[REDACTED:[a-z_]+\]/);
    expect(m.title).toMatch(/\[REDACTED:[a-z_]+\]/);
    expect(m.metadata.password).toMatch(/REDACTED/);
    // Not in the full-text index either, nor in the audit trail.
    const raw = withDb(b, (db) => JSON.stringify([db.prepare('SELECT * FROM memories').all(), db.prepare('SELECT * FROM memory_audit').all()]));
    for (const secret of [gh, aws, 'hunter2hunter2']) expect(raw).not.toContain(secret);
    expect(search(b, gh, ['--mode', 'keyword']).results).toEqual([]);
    // Edits are redacted too.
    ok(b.mem(['edit', id, '--content', `rotated: ${gh}`]));
    expect(show(b, id).content).not.toContain(gh);
  });

  it('never prints terminal escape sequences from stored text', () => {
    const b = box();
    const nasty = 'danger \x1b[31mred\x1b[0m text \x1b]0;owned title\x07 done \x1b[2J\x07\x9b1m';
    const id = add(b, nasty, ['--title', 'evil \x1b]8;;http://x\x1b\\link\x1b[5m', '--tags', 'ok']);
    expect(show(b, id).content).toBe(nasty); // stored verbatim: it is the output that is made safe
    for (const args of [['show', id], ['list'], ['search', 'danger', '--mode', 'keyword'], ['search', 'danger']]) {
      const r = ok(b.mem(args));
      expect(r.stdout, args.join(' ')).not.toMatch(/[\x1b\x07\x9b]/);
      expect(r.stderr).not.toMatch(/[\x1b\x07\x9b]/);
    }
    expect(ok(b.mem(['show', id])).stdout).toContain('danger red text');
    expect(ok(b.mem(['search', 'danger', '--mode', 'keyword'])).stdout).toContain('danger red text');
  });
});

describe('scopes', () => {
  it('isolate search and list unless --all-scopes', () => {
    const b = box();
    const a = add(b, 'the frobnicator service restarts nightly', [], { MEM_SCOPE: 'alpha' });
    const inB = search(b, 'frobnicator', ['--mode', 'keyword'], { MEM_SCOPE: 'beta' });
    expect(inB.results).toEqual([]);
    expect(search(b, 'frobnicator', ['--mode', 'keyword', '--scope', 'beta']).results).toEqual([]);
    expect(ok(b.mem(['recall-error', 'frobnicator restarts', '--json'], { env: { MEM_SCOPE: 'beta' } })).json<SearchJson>().results).toEqual([]);
    expect(search(b, 'frobnicator', ['--mode', 'keyword', '--all-scopes'], { MEM_SCOPE: 'beta' }).results.map((h) => h.id)).toEqual([a]);
    expect(search(b, 'frobnicator', ['--mode', 'keyword'], { MEM_SCOPE: 'alpha' }).results.map((h) => h.id)).toEqual([a]);
    expect(list(b, [], { MEM_SCOPE: 'beta' }).data).toEqual([]);
    expectUsageError(b.mem(['search', 'x', '--scope', 'a', '--all-scopes']), /either --scope or --all-scopes/);
  });

  it('defaults to the git root of the working directory', () => {
    const b = box();
    const repo = join(b.dir, 'repo');
    mkdirSync(join(repo, '.git', 'refs'), { recursive: true });
    writeFileSync(join(repo, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    mkdirSync(join(repo, 'src'));
    const j = ok(b.mem(['add', '--json', 'scoped by the repository'], { cwd: join(repo, 'src') })).json<{ scope: string }>();
    expect(j.scope).toBe(repo);
    const outside = ok(b.mem(['add', '--json', 'outside any repository'])).json<{ scope: string }>();
    expect(outside.scope).toBe('default');
  });
});

describe('embedding lifecycle (generated MiniLM stand-in)', () => {
  it('embeds pending memories, searches semantically and hybrid, flags near-duplicates, re-embeds', () => {
    const b = box({ withModel: true, scope: 'emb' });
    const base = 'To fix the flaky integration tests, start the database container before the test runner and wait for its health check';
    const original = add(b, base, ['--kind', 'solution']);
    const near = add(b, `${base} endpoint`, ['--kind', 'solution']); // the same text plus one word
    const related = add(b, 'To fix the slow unit tests, mock the database and run the test runner in parallel workers', ['--kind', 'solution']);
    const sameTextOtherKind = add(b, `${base} endpoint`, ['--kind', 'note']);
    const unrelated = add(b, 'The quarterly budget meeting moved to Thursday afternoon', ['--kind', 'meeting_note']);
    expect(list(b, ['--status', 'pending']).meta.total).toBe(5);

    const run = ok(b.mem(['embed', '--json'])).json<{ embedded: number; failed: number; near_duplicates: number; model: string; counts: Record<string, number> }>();
    expect(run).toMatchObject({ embedded: 5, failed: 0, near_duplicates: 1, model: TEST_MODEL_NAME, counts: { pending: 0, processing: 0, completed: 5, failed: 0 } });
    const status = ok(b.mem(['embed', '--status', '--json'])).json<{ counts: Record<string, number>; models: { model: string; count: number }[]; unavailable: string | null }>();
    expect(status.counts).toEqual({ pending: 0, processing: 0, completed: 5, failed: 0 });
    expect(status.models).toEqual([{ model: TEST_MODEL_NAME, count: 5 }]);
    expect(status.unavailable).toBeNull();
    expect(ok(b.mem(['embed', '--status'])).stdout).toMatch(/pending 0 {2}processing 0 {2}completed 5 {2}failed 0/);

    // Near-duplicates: only an older memory of the same kind and scope, and only when this close.
    expect(show(b, near).near_duplicate_of).toBe(original);
    for (const id of [original, related, sameTextOtherKind, unrelated]) expect(show(b, id).near_duplicate_of).toBeNull();
    const audit = ok(b.mem(['log', near, '--json'])).json<{ entries: { action: string; changes: { similarity?: number } }[] }>().entries;
    const sim = audit.find((e) => e.action === 'near_duplicate')!.changes.similarity!;
    expect(sim).toBeGreaterThanOrEqual(0.92);
    expect(show(b, original).embedding_model).toBe(TEST_MODEL_NAME);

    const sem = search(b, 'flaky integration tests database container', ['--mode', 'semantic']);
    expect(sem.mode).toBe('semantic');
    expect(sem.notice).toBeNull();
    expect(sem.results.length).toBeGreaterThan(0);
    for (const h of sem.results) {
      expect(h.semantic_score).toBeGreaterThan(0);
      expect(h.keyword_score).toBe(0);
    }
    expect([original, near]).toContain(sem.results[0]!.id);
    expect(sem.results.map((h) => h.id)).not.toContain(unrelated); // below the 0.25 threshold... or ranked after
    const hybrid = search(b, 'flaky integration tests database container', ['--top-k', '3']);
    expect(hybrid.mode).toBe('hybrid');
    const top = hybrid.results[0]!;
    expect(top.keyword_score).toBeGreaterThan(0);
    expect(top.semantic_score).toBeGreaterThan(0);
    expect(top.score).toBeCloseTo(0.6 * top.semantic_score + 0.4 * top.keyword_score, 3);
    expect(hybrid.results.length).toBeLessThanOrEqual(3);

    // --reembed queues everything again and embeds it.
    const again = ok(b.mem(['embed', '--reembed', '--json'])).json<{ reembed: number; embedded: number; counts: Record<string, number> }>();
    expect(again).toMatchObject({ reembed: 5, embedded: 5, counts: { completed: 5 } });
    expect(show(b, near).near_duplicate_of).toBe(original);
    expect(ok(b.mem(['embed', '--json'])).json<{ embedded: number }>().embedded).toBe(0);

    // A content change goes back to pending and loses its vector until embedded again.
    const edited = ok(b.mem(['edit', near.slice(0, 8), '--content', 'Completely different: rotate the TLS certificates every ninety days', '--json'])).json<MemoryJson>();
    expect(edited).toMatchObject({ embedding_status: 'pending', embedding_model: null, near_duplicate_of: null });
    expect(search(b, 'flaky integration tests database container', ['--mode', 'semantic']).results.map((h) => h.id)).not.toContain(near);
    ok(b.mem(['edit', original, '--title', 'title only']));
    expect(show(b, original).embedding_status).toBe('completed'); // no content change: no re-embedding
    expect(ok(b.mem(['embed', '--json'])).json<{ embedded: number }>().embedded).toBe(1);
    expect(show(b, near)).toMatchObject({ embedding_status: 'completed', near_duplicate_of: null });
    // A deleted memory leaves the vector index.
    ok(b.mem(['rm', original]));
    expect(search(b, 'flaky integration tests database container', ['--mode', 'semantic']).results.map((h) => h.id)).not.toContain(original);
  });

  it('releases memories claimed by a worker that died, so nothing stays processing', () => {
    const b = box({ withModel: true });
    const file = join(b.dir, 'm.jsonl');
    writeFileSync(file, jsonl(Array.from({ length: 6 }, (_, i) => ({ content: `note ${i} about the release checklist item ${i * 7}` }))));
    ok(b.mem(['add', '--bulk', file]));
    const dead = spawnSync(process.execPath, ['-e', '0']).pid; // exited: its pid is free
    withDb(b, (db) => db.prepare("UPDATE memories SET embedding_status = 'processing', embedding_claim = ? WHERE n IN (SELECT n FROM memories ORDER BY n LIMIT 4)").run(`pid:${dead}`));
    expect(list(b, ['--status', 'processing']).meta.total).toBe(4);
    const r = ok(b.mem(['embed', '--json'])).json<{ released: number; embedded: number; counts: Record<string, number> }>();
    expect(r).toMatchObject({ released: 4, embedded: 6, counts: { pending: 0, processing: 0, completed: 6, failed: 0 } });
    expect(withDb(b, (db) => db.prepare('SELECT COUNT(*) AS c FROM memories WHERE embedding_claim IS NOT NULL').get())).toEqual({ c: 0 });
  });

  it('fails a text the provider rejects, retries it with backoff, stops after 3 attempts; --retry-failed resets', async () => {
    // A stand-in for an OpenAI-compatible server, in its own process (the CLI runs synchronously):
    // while `reject` exists it answers 400 to any batch holding a text with POISON.
    const b = box();
    const reject = join(b.dir, 'reject');
    writeFileSync(reject, '');
    const server = await embeddingServer(reject);
    try {
      const env = { MEM_EMBEDDING_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test-key', OPENAI_BASE_URL: server.url };
      const good1 = add(b, 'a perfectly fine memory about caching');
      const bad = add(b, 'POISON: the provider rejects this text');
      const good2 = add(b, 'another fine memory about queues');
      const attempts = () => withDb(b, (db) => db.prepare('SELECT embedding_status AS s, embedding_attempts AS a, embedding_retry_at AS at FROM memories WHERE id = ?').get(bad) as { s: string; a: number; at: number | null });
      const embed = () => ok(b.mem(['embed', '--json'], { env })).json<{ embedded: number; failed: number }>();

      let t0 = Date.now();
      // One bad text does not fail its batch neighbours.
      expect(embed()).toMatchObject({ embedded: 2, failed: 1 });
      let t1 = Date.now();
      expect(show(b, good1).embedding_status).toBe('completed');
      expect(show(b, good2).embedding_status).toBe('completed');
      expect(show(b, bad)).toMatchObject({ embedding_status: 'failed', embedding_error: expect.stringMatching(/HTTP 400.*rejected by the test server/) });
      let a = attempts();
      expect(a.a).toBe(1);
      expect(a.at!).toBeGreaterThanOrEqual(t0 + 30_000);
      expect(a.at!).toBeLessThanOrEqual(t1 + 30_000);

      // Backoff: not retried before its time.
      expect(embed()).toMatchObject({ embedded: 0, failed: 0 });
      expect(attempts().a).toBe(1);

      // Time passes (the retry time is moved, not the clock): attempt 2, with a doubled backoff.
      const due = () => withDb(b, (db) => db.prepare('UPDATE memories SET embedding_retry_at = 0 WHERE id = ?').run(bad));
      due();
      t0 = Date.now();
      expect(embed()).toMatchObject({ failed: 1 });
      t1 = Date.now();
      a = attempts();
      expect(a.a).toBe(2);
      expect(a.at!).toBeGreaterThanOrEqual(t0 + 60_000);
      expect(a.at!).toBeLessThanOrEqual(t1 + 60_000);
      due();
      expect(embed()).toMatchObject({ failed: 1 });
      expect(attempts()).toMatchObject({ s: 'failed', a: 3 });
      // Three attempts: it stays failed even when due.
      due();
      expect(embed()).toMatchObject({ embedded: 0, failed: 0 });
      expect(attempts()).toMatchObject({ s: 'failed', a: 3 });
      expect(ok(b.mem(['embed', '--status', '--json'], { env })).json<{ counts: Record<string, number> }>().counts).toMatchObject({ completed: 2, failed: 1 });
      expect(list(b, ['--status', 'failed']).data.map((m) => m.id)).toEqual([bad]);

      // The provider is fixed: --retry-failed gives it fresh attempts.
      rmSync(reject);
      const retried = ok(b.mem(['embed', '--retry-failed', '--json'], { env })).json<{ retried: number; embedded: number; counts: Record<string, number> }>();
      expect(retried).toMatchObject({ retried: 1, embedded: 1, counts: { completed: 3, failed: 0 } });
      expect(show(b, bad)).toMatchObject({ embedding_status: 'completed', embedding_model: 'text-embedding-3-small', embedding_error: null });
    } finally {
      server.close();
    }
  });

  it('a real background worker embeds after mem add (no MEM_NO_WORKER)', async () => {
    const b = box({ withModel: true });
    delete b.env.MEM_NO_WORKER;
    const id = add(b, 'the background worker should embed this soon');
    const deadline = Date.now() + 20_000;
    let status = '';
    while (Date.now() < deadline) {
      status = list(b).data.find((m) => m.id === id)!.embedding_status;
      if (status === 'completed') break;
      await sleep(250);
    }
    expect(status).toBe('completed');
    // Let the detached worker finish and release its lock before the sandbox is removed.
    const lock = join(b.env.MEM_HOME!, 'embed.lock');
    while (existsSync(lock) && Date.now() < deadline + 5_000) await sleep(100);
  });
});

describe('without any model (MEM_OFFLINE=1, empty MEM_MODEL_DIR)', () => {
  it('searches by keyword and says so once; mem embed fails in one line; memories stay pending', () => {
    const b = box();
    const id = add(b, 'postgres vacuum full locks the table; use pg_repack instead');
    add(b, 'redis maxmemory policy allkeys-lru for the cache');

    const human = ok(b.mem(['search', 'postgres vacuum']));
    expect(human.stdout).toContain(id.slice(0, 8));
    const notices = human.stderr.trimEnd().split('\n');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^mem: semantic ranking unavailable \(.*\); keyword results only$/);
    const j = search(b, 'postgres vacuum');
    expect(j.mode).toBe('keyword');
    expect(j.notice).toMatch(/no embedding model.*MEM_OFFLINE=1/);
    expect(j.results.map((h) => h.id)).toEqual([id]);
    expect(j.results[0]!.keyword_score).toBeGreaterThan(0);
    expect(j.results[0]!.semantic_score).toBe(0);
    expect(search(b, 'postgres vacuum', ['--mode', 'semantic']).mode).toBe('keyword');
    const explicit = ok(b.mem(['search', 'postgres', '--mode', 'keyword']));
    expect(explicit.stderr).toBe(''); // keyword mode was asked for: nothing to say
    const recall = ok(b.mem(['recall-error', 'vacuum full locks']));
    expect(recall.stderr.trimEnd().split('\n')).toHaveLength(1);

    const e = b.mem(['embed']);
    expect(e.code).toBe(1);
    expect(e.stdout).toBe('');
    expect(e.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(e.stderr).toMatch(/^mem: cannot embed: no embedding model: .*keyword search still works\n$/);
    expect(list(b).data.map((m) => m.embedding_status)).toEqual(['pending', 'pending']);
    const st = ok(b.mem(['embed', '--status', '--json'])).json<{ counts: Record<string, number>; unavailable: string | null }>();
    expect(st.counts).toEqual({ pending: 2, processing: 0, completed: 0, failed: 0 });
    expect(st.unavailable).toMatch(/no embedding model/);
    // --worker (what mem add starts) is quiet about it.
    const w = b.mem(['embed', '--worker']);
    expect([w.code, w.stdout, w.stderr]).toEqual([0, '', '']);
  });

  it('a corrupt model file is the same: memories stay pending, not failed', () => {
    const b = box();
    const broken = join(b.dir, 'broken');
    writeTestModel(broken);
    writeFileSync(join(broken, TEST_MODEL_NAME, 'onnx', 'model_quantized.onnx'), 'not a model');
    add(b, 'some memory');
    const e = b.mem(['embed'], { env: { MEM_MODEL_DIR: broken } });
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/^mem: cannot embed: embedding model .* cannot be loaded: .*\n$/);
    expect(list(b).data.map((m) => m.embedding_status)).toEqual(['pending']);
  });
});

describe('export / import', () => {
  it('carries memories, learned patterns and episodes; importing twice adds nothing; imported memories are re-embedded', () => {
    const src = box({ withModel: true, scope: 'export' });
    const ids = [add(src, 'memory one about deployment windows', ['--tags', 'ops']), add(src, 'memory two about the on-call rota', ['--kind', 'decision', '--scope', 'team'])];
    ok(src.mem(['embed']));
    expect(list(src, ['--all-scopes']).data.every((m) => m.embedding_status === 'completed')).toBe(true);
    withDb(src, (db) => {
      db.prepare(
        "INSERT INTO learned_patterns (id, type, match, scope, description, success_indicators, samples, successes, confidence, created_at, updated_at) VALUES ('pat-1', 'success', 'deploy', 'export', 'deploys on Tuesdays work', '[{\"term\":\"green build\",\"successes\":4,\"failures\":0,\"score\":2.1}]', 4, 4, 0.8, 1000, 2000)",
      ).run();
      db.prepare("INSERT INTO episodes (id, task, context, scope, started_at, ended_at, success, metrics) VALUES ('ep-1', 'fix the flaky build', '{\"repo\":\"api\"}', 'export', 1000, 5000, 1, '{\"steps\":2}')").run();
      const ev = db.prepare('INSERT INTO episode_events (episode_id, at, type, role, data) VALUES (?, ?, ?, ?, ?)');
      ev.run('ep-1', 1500, 'action', 'agent', '{"cmd":"npm test"}');
      ev.run('ep-1', 4000, 'observation', 'tool', '{"exit":0}');
    });
    const bundle = join(src.dir, 'bundle.json');
    ok(src.mem(['export', bundle]));

    const dst = box();
    const first = ok(dst.mem(['import', bundle, '--json'])).json<{ added: Record<string, number>; changed: boolean }>();
    expect(first.added).toMatchObject({ memories: 2, learned_patterns: 1, episodes: 1 });
    const got = list(dst, ['--all-scopes']).data;
    expect(got.map((m) => m.id).sort()).toEqual([...ids].sort());
    for (const m of got) expect(m).toMatchObject({ embedding_status: 'pending', embedding_model: null });
    expect(got.find((m) => m.id === ids[0])).toMatchObject({ content: 'memory one about deployment windows', tags: ['ops'], scope: 'export' });
    expect(got.find((m) => m.id === ids[1])).toMatchObject({ kind: 'decision', scope: 'team' });
    withDb(dst, (db) => {
      expect(db.prepare('SELECT id, type, scope, samples, confidence, success_indicators FROM learned_patterns').all()).toEqual([
        { id: 'pat-1', type: 'success', scope: 'export', samples: 4, confidence: 0.8, success_indicators: '[{"term":"green build","successes":4,"failures":0,"score":2.1}]' },
      ]);
      expect(db.prepare('SELECT id, task, scope, success FROM episodes').all()).toEqual([{ id: 'ep-1', task: 'fix the flaky build', scope: 'export', success: 1 }]);
      expect(db.prepare('SELECT type, data FROM episode_events ORDER BY at').all()).toEqual([
        { type: 'action', data: '{"cmd":"npm test"}' },
        { type: 'observation', data: '{"exit":0}' },
      ]);
    });
    // The audit trail came along, plus the import itself.
    expect(ok(dst.mem(['log', ids[0]!, '--json'])).json<{ entries: { action: string }[] }>().entries.map((e) => e.action)).toEqual(['create', 'import']);
    // Keyword search works at once; with the model they are embedded again.
    expect(search(dst, 'deployment windows', ['--mode', 'keyword', '--all-scopes']).results.map((h) => h.id)).toEqual([ids[0]]);
    expect(ok(dst.mem(['embed', '--json'], { env: { MEM_MODEL_DIR: modelDir } })).json<{ embedded: number }>().embedded).toBe(2);

    const second = ok(dst.mem(['import', bundle, '--json'])).json<{ added: Record<string, number>; changed: boolean }>();
    expect(second.added).toMatchObject({ memories: 0, learned_patterns: 0, episodes: 0 });
    expect(second.changed).toBe(false);
    expect(list(dst, ['--all-scopes']).meta.total).toBe(2);
    withDb(dst, (db) => expect(db.prepare('SELECT COUNT(*) AS c FROM episode_events').get()).toEqual({ c: 2 }));
  });
});

describe('mem kb seed', () => {
  it('is idempotent and its error entries are found by recall-error', () => {
    const b = box({ scope: 'kb' });
    const first = ok(b.mem(['kb', 'seed', '--json'])).json<{ scope: string; added: number; already_present: number }>();
    expect(first.scope).toBe('kb');
    expect(first.added).toBeGreaterThanOrEqual(20);
    expect(first.already_present).toBe(0);
    const second = ok(b.mem(['kb', 'seed', '--json'])).json<{ added: number; already_present: number }>();
    expect(second).toEqual({ scope: 'kb', added: 0, already_present: first.added });
    expect(ok(b.mem(['kb', 'seed'])).stdout).toMatch(/seeded 0 memories into scope kb/);
    expect(list(b, ['--tag', 'kb', '--per-page', '100']).meta.total).toBe(first.added);

    const cases: [string, string][] = [
      ["ModuleNotFoundError: No module named 'pandas'", 'kb:err-modulenotfound'],
      ['Error: listen EADDRINUSE: address already in use 0.0.0.0:8080', 'kb:err-eaddrinuse'],
      ['git push was rejected (non-fast-forward)', 'kb:err-git-push-rejected'],
      ['npm ERR! code ERESOLVE could not resolve peer dependency', 'kb:err-npm-eresolve'],
    ];
    for (const [message, key] of cases) {
      const r = ok(b.mem(['recall-error', message, '--json', '--top-k', '3'])).json<SearchJson>();
      expect(r.results.map((h) => h.memory.source_id), message).toContain(key);
      for (const h of r.results) expect(['error', 'solution']).toContain(h.memory.kind);
    }
    const human = ok(b.mem(['recall-error', "Cannot find module 'lodash'"]));
    expect(human.stdout).toMatch(/Cannot find module/);
  });
});

/** An OpenAI-compatible /embeddings server in a child process; `reject` switches rejection of POISON texts. */
async function embeddingServer(reject: string): Promise<{ url: string; close(): void }> {
  const script = `
    const http = require('node:http'), fs = require('node:fs');
    http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const { input } = JSON.parse(body);
        if (fs.existsSync(process.argv[1]) && input.some((t) => t.includes('POISON'))) {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'input rejected by the test server' } }));
          return;
        }
        const data = input.map((t, index) => ({ index, embedding: Array.from({ length: 1536 }, (_, k) => Math.sin((k + 1) * (t.length + 1))) }));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data }));
      });
    }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
  const child: ChildProcess = spawn(process.execPath, ['-e', script, reject], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, rejectPort) => {
    child.stdout!.once('data', (c: Buffer) => resolve(c.toString().trim()));
    child.once('exit', (code) => rejectPort(new Error(`embedding server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/v1`, close: () => void child.kill() };
}
