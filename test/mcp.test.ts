// `mem mcp` through a real MCP client: the SDK's Client over stdio, spawning the built bin/mem.
// Initialisation, the tools and resources listed, every tool called with its answer checked
// against its published output schema, bad input as one-line tool errors (the server lives on),
// answers that stay small whatever the store holds, and nothing but protocol on stdout.
// Run `npm run build` first.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMem } from '../src/core/mem.js';
import { aiAttempt, BIN, ROOT, type Sandbox } from './helpers.js';
import { spoolLine } from './shell-support.js';
import { writeTestModel } from './support/onnx-model.js';
import { ANSWER_BYTES, connect, testBox, type Conn } from './support/mcp.js';

const READ = ['memory_search', 'recall_error', 'memory_get', 'task_context', 'fix_context', 'fix_similar', 'history_search', 'predict_next', 'stats'];
const WRITE = ['memory_add', 'fix_record', 'episode_start', 'episode_event', 'episode_end', 'pattern_feedback'];

const DEPLOYS = [
  ...[1, 2, 3, 4].map((i) => ({ content: `Deploy the billing service v${i}: ran migrations first, smoke tests green`, success: true })),
  ...[5, 6, 7, 8].map((i) => ({ content: `Deploy the billing service v${i}: skipped tests, failed on schema mismatch`, success: false })),
];

let box: Sandbox;
let conn: Conn;
const seeded = { memory: '', solution: '', pattern: '', signature: '', proj: '' };

beforeAll(async () => {
  box = testBox();
  seeded.proj = join(box.dir, 'proj');
  mkdirSync(seeded.proj);
  const mem = openMem({ env: { ...box.env }, cwd: box.dir });
  try {
    const err = mem.memories.add({ kind: 'error', title: 'fastapi import', content: "ModuleNotFoundError: No module named 'fastapi'. Fixed by activating the venv, then pip install fastapi" });
    seeded.memory = err.memory.id;
    seeded.solution = mem.memories.add({ kind: 'solution', title: 'docker cache', content: 'Order the Dockerfile so that dependency install steps come first' }).memory.id;
    mem.memories.add({ kind: 'note', title: 'release day', content: 'Releases go out on Tuesdays after the standup', tags: ['process'] });
    for (const d of DEPLOYS) mem.memories.add({ kind: 'task', ...d });
    seeded.pattern = (await mem.patterns.extract({ match: 'deploy', type: 'success' })).pattern.id;
    seeded.signature = mem.fixes.record(aiAttempt({ uid: 'seed-1' })).issue_signature;
    mem.fixes.record(aiAttempt({ uid: 'seed-2', fix_success: false, fixer_type: 'qwen', ai_response: { fix_commands: ['systemctl restart ollama'] } }));
    mem.predict.learn([1, 2, 3].map((line) => ({ line, value: { session_commands: ['git add -A', 'git commit -m "wip"', 'git push'].map((command) => ({ command })), session_outcome: 'success' } })));
  } finally {
    mem.close();
  }
  // Shell history as the hooks spool it (the server ingests it when asked).
  const spool = join(box.env.MEM_HOME!, 'spool');
  mkdirSync(spool, { recursive: true });
  const now = Date.now();
  const lines: [string, number, string][] = [
    ['npm install', 0, seeded.proj],
    ['npm test', 1, seeded.proj],
    ['vim src/app.ts', 0, seeded.proj],
    ['npm test', 0, seeded.proj],
    ['ls /tmp', 0, box.dir],
  ];
  lines.forEach(([command, exit, cwd], i) =>
    appendFileSync(join(spool, 's1.spool'), spoolLine({ session: 's1', seq: i + 1, startUs: (now - 600_000 + i * 1000) * 1000, exit, cwd, command })),
  );
  conn = await connect(box);
}, 60_000);

afterAll(async () => {
  await conn?.close();
  box.cleanup();
});

describe('initialisation and listings', () => {
  it('names itself, gives instructions, and lists every tool with schemas and annotations', async () => {
    expect(conn.client.getServerVersion()).toMatchObject({ name: 'mem', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(conn.client.getInstructions()).toMatch(/recall_error/);
    expect(conn.client.getServerCapabilities()).toMatchObject({ tools: {}, resources: {} });
    const { tools } = await conn.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...READ, ...WRITE].sort());
    for (const t of tools) {
      expect(t.description!.length, t.name).toBeGreaterThan(20);
      expect(t.inputSchema.type).toBe('object');
      expect(t.outputSchema?.type, t.name).toBe('object');
      expect(t.inputSchema.additionalProperties, t.name).toBe(false); // a misspelt argument is an error, not ignored
    }
  });

  type Hints = { readOnlyHint: boolean; destructiveHint: boolean; idempotentHint: boolean };
  const hints = (readOnlyHint: boolean, idempotentHint: boolean): Hints => ({ readOnlyHint, destructiveHint: false, idempotentHint });
  it.each<[string, Hints]>([
    ...READ.map((name): [string, Hints] => [name, hints(true, true)]),
    ['memory_add', hints(false, true)],
    ['fix_record', hints(false, true)],
    ['episode_start', hints(false, false)],
    ['episode_event', hints(false, false)],
    ['episode_end', hints(false, false)],
    ['pattern_feedback', hints(false, false)],
  ])('%s is annotated %j', async (name, hints) => {
    const { tools } = await conn.client.listTools();
    expect(tools.find((t) => t.name === name)!.annotations).toMatchObject({ ...hints, openWorldHint: false });
  });

  it('lists the overview and issue patterns as resources, and the resource templates', async () => {
    const { resources } = await conn.client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(['mem://stats', `mem://fix/patterns/${seeded.signature}`]);
    const { resourceTemplates } = await conn.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual(['mem://fix/patterns/{signature}', 'mem://memories/{id}', 'mem://models/{name}']);
  });
});

describe('every tool', () => {
  it('searches memories with absolute scores, a small index first, whole memories on request', async () => {
    const r = await conn.ok('memory_search', { query: 'fastapi module', mode: 'keyword' });
    expect(r.results[0]).toMatchObject({ id: seeded.memory, kind: 'error', title: 'fastapi import' });
    expect(r.results[0].score).toBeGreaterThan(0.5);
    expect(r.results[0].score).toBeLessThan(1);
    expect(Object.keys(r.results[0])).not.toContain('content');
    // A query the best hit answers only in part scores low: scores compare across queries.
    const weak = await conn.ok('memory_search', { query: 'fastapi kubernetes terraform ansible', mode: 'keyword' });
    expect(weak.results[0].id).toBe(seeded.memory);
    expect(weak.results[0].score).toBeLessThan(r.results[0].score / 2);
    const strong = await conn.ok('memory_search', { query: 'fastapi kubernetes terraform ansible', mode: 'keyword', min_score: 0.5 });
    expect(strong.results).toEqual([]);

    const got = await conn.ok('memory_get', { ids: [seeded.memory, seeded.solution.slice(0, 8), 'ffffffff-0000'] });
    expect(got.memories.map((m: any) => m.id)).toEqual([seeded.memory, seeded.solution]);
    expect(got.memories[0]).toMatchObject({ content: expect.stringContaining('pip install fastapi'), next_content_offset: null, scope: 'proj' });
    expect(got.not_found).toEqual([{ id: 'ffffffff-0000', error: expect.stringContaining('no memory') }]);
  });

  it('pages through search results with a cursor', async () => {
    const first = await conn.ok('memory_search', { query: 'deploy billing service', top_k: 3, mode: 'keyword' });
    expect(first.results).toHaveLength(3);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await conn.ok('memory_search', { query: 'deploy billing service', top_k: 3, mode: 'keyword', cursor: first.next_cursor });
    expect(second.results).toHaveLength(3);
    const ids = [...first.results, ...second.results].map((h: any) => h.id);
    expect(new Set(ids).size).toBe(6);
    expect(second.results[0].score).toBeLessThanOrEqual(first.results[2].score);
    let cursor = second.next_cursor;
    let seen = 6;
    while (cursor) {
      const page = await conn.ok('memory_search', { query: 'deploy billing service', top_k: 3, mode: 'keyword', cursor });
      seen += page.results.length;
      cursor = page.next_cursor;
    }
    expect(seen).toBe(DEPLOYS.length);
  });

  it('recalls how an error was fixed', async () => {
    const r = await conn.ok('recall_error', { message: "Traceback: ModuleNotFoundError: No module named 'fastapi' in /srv/app/main.py line 3" });
    expect(r.mode).toBe('keyword');
    expect(r.results[0].id).toBe(seeded.memory);
    expect(r.results.map((h: any) => h.kind).every((k: string) => k === 'error' || k === 'solution')).toBe(true);
  });

  it('adds memories idempotently, and gives task context', async () => {
    const a = await conn.ok('memory_add', { content: 'The staging database is reset every Sunday night', kind: 'insight', tags: ['staging'] });
    expect(a).toMatchObject({ created: true, duplicate_of: null, embedding_status: 'pending' });
    const again = await conn.ok('memory_add', { content: 'The staging database is reset every Sunday night', kind: 'insight' });
    expect(again).toMatchObject({ id: a.id, created: false, duplicate_of: a.id });
    const m = (await conn.ok('memory_get', { ids: [a.id] })).memories[0];
    expect(m).toMatchObject({ kind: 'insight', source: 'integration', tags: ['staging'], scope: 'proj' });

    const c = await conn.ok('task_context', { task: 'deploy the billing service' });
    expect(c.similar_tasks.length).toBeGreaterThan(0);
    expect(c.matching_patterns.map((p: any) => p.id)).toContain(seeded.pattern);
    expect(c.recommendations.length).toBeGreaterThan(0);
  });

  it('records fix attempts once per uid, the fixer being the client unless named', async () => {
    const attempt = { uid: 'mcp-test-1', model: 'llama3:8b', issue_type: 'TIMEOUT', test_prompt: 'Say hello', fix_success: true, fix_commands: ['ollama pull llama3:8b'], analysis: 'not loaded' };
    const r = await conn.ok('fix_record', attempt);
    expect(r).toMatchObject({ uid: 'mcp-test-1', created: true, issue_signature: seeded.signature });
    expect(await conn.ok('fix_record', attempt)).toMatchObject({ id: r.id, created: false });
    await conn.ok('fix_record', { ...attempt, uid: 'mcp-test-2', fixer_type: 'Gemini', fix_success: false });

    const similar = await conn.ok('fix_similar', { model: 'llama3:8b', issue_type: 'timeout', test_prompt: 'Say hello', limit: 10 });
    const exact = similar.exact_matches;
    expect(exact.map((x: any) => x.uid).sort()).toEqual(['mcp-test-1', 'mcp-test-2', 'seed-1', 'seed-2']);
    expect(exact.find((x: any) => x.uid === 'mcp-test-1').fixer_type).toBe('mem-test-client');
    expect(exact.find((x: any) => x.uid === 'mcp-test-2').fixer_type).toBe('gemini');

    const ctx = await conn.ok('fix_context', { model: 'llama3:8b', issue_type: 'TIMEOUT', test_prompt: 'Say hello' });
    expect(ctx.issue).toMatchObject({ issue_type: 'TIMEOUT', issue_signature: seeded.signature });
    expect(ctx.what_worked[0].fix_commands).toEqual(['ollama pull llama3:8b']);
    expect(ctx.what_failed.map((o: any) => o.fix_commands)).toContainEqual(['systemctl restart ollama']);
  });

  it('searches shell history by text, failure and directory, newest first, with a cursor', async () => {
    const all = await conn.ok('history_search', { session: 's1' });
    expect(all.commands.map((c: any) => c.command)).toEqual(['ls /tmp', 'npm test', 'vim src/app.ts', 'npm test', 'npm install']);
    expect(all.commands[1]).toMatchObject({ cwd: seeded.proj, exit_code: 0, session: 's1', shell: 'bash', source: 'hook' });
    const failed = await conn.ok('history_search', { query: 'NPM', failed: true });
    expect(failed.commands.map((c: any) => [c.command, c.exit_code])).toEqual([['npm test', 1]]);
    const here = await conn.ok('history_search', { directory: 'proj', limit: 2 });
    expect(here.commands.map((c: any) => c.command)).toEqual(['npm test', 'vim src/app.ts']);
    const more = await conn.ok('history_search', { directory: 'proj', limit: 2, cursor: here.next_cursor });
    expect(more.commands.map((c: any) => c.command)).toEqual(['npm test', 'npm install']);
    expect(more.next_cursor).toBeNull();
    expect((await conn.ok('history_search', { query: '%' })).commands).toEqual([]); // LIKE wildcards are plain text
    expect((await conn.ok('history_search', { since: '1h', directory: 'proj' })).commands).toHaveLength(4);
    expect((await conn.ok('history_search', { since: '5m', directory: 'proj' })).commands).toHaveLength(0);
    // Who ran them: the shell hooks' commands are the user's; no agent ran any here.
    const agent = await conn.ok('history_search', { author: 'claude-code', limit: 1 });
    expect(agent).toMatchObject({ commands: [], notice: null });
    expect((await conn.ok('history_search', { author_kind: 'agent' })).commands).toEqual([]);
    expect((await conn.ok('history_search', { session: 's1', author_kind: 'human' })).commands).toHaveLength(5);
    expect(all.commands[1]).toMatchObject({ author_kind: 'human', intent: null });
    expect(all.notice).toBeNull();
  });

  it('predicts the next command and gives the overview', async () => {
    const p = await conn.ok('predict_next', { context: ['git add -A'] });
    expect(p.predictions[0].next_command).toBe('git commit -m "wip"');
    expect(p.predictions[0].confidence).toBeGreaterThan(0);
    const s = await conn.ok('stats');
    expect(s.fixes.total_fixes_attempted).toBeGreaterThanOrEqual(2);
    expect(s.shell.total_commands).toBeGreaterThanOrEqual(5);
  });

  it('records an episode and feedback on a learned pattern', async () => {
    const e = await conn.ok('episode_start', { task: 'Upgrade the billing service to Node 22', context: { ticket: 'OPS-7' } });
    expect(e).toMatchObject({ task: 'Upgrade the billing service to Node 22', scope: 'proj', ended_at: null, success: null, events: 0 });
    const ev = await conn.ok('episode_event', { episode_id: e.episode_id, type: 'command', role: 'agent', data: { command: 'nvm use 22' } });
    expect(ev).toMatchObject({ episode_id: e.episode_id, type: 'command', event_id: expect.any(Number) });
    await conn.ok('episode_event', { episode_id: e.episode_id, type: 'error', data: { error: 'node-gyp rebuild failed' } });
    const end = await conn.ok('episode_end', { episode_id: e.episode_id, success: true, metrics: { minutes: 12 } });
    expect(end).toMatchObject({ episode_id: e.episode_id, success: true, events: 2, memory_created: true });
    const experience = (await conn.ok('memory_get', { ids: [end.memory_id] })).memories[0];
    expect(experience.kind).toBe('experience');

    const before = (await conn.ok('pattern_feedback', { pattern_id: seeded.pattern, helpful: true, adjust: 0.05 })).confidence;
    const after = await conn.ok('pattern_feedback', { pattern_id: seeded.pattern, helpful: false, adjust: 0.2 });
    expect(after.confidence).toBeLessThan(before);
    expect(after.feedback).toEqual({ helpful: 1, not_helpful: 1 });
  });

  it('reads every resource, and a missing one is a resource-not-found error', async () => {
    const read = async (uri: string) => {
      const r = await conn.client.readResource({ uri });
      expect(r.contents[0]).toMatchObject({ uri, mimeType: 'application/json' });
      const text = (r.contents[0] as { text: string }).text;
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(ANSWER_BYTES);
      return JSON.parse(text);
    };
    expect((await read('mem://stats')).fixes.total_fixes_attempted).toBeGreaterThanOrEqual(2);
    expect(await read(`mem://fix/patterns/${seeded.signature}`)).toMatchObject({ issue_signature: seeded.signature, issue_type: 'TIMEOUT' });
    const model = await read('mem://models/llama3%3A8b');
    expect(model).toMatchObject({ model: 'llama3:8b' });
    expect(model.recent.length).toBeGreaterThan(0);
    expect(await read(`mem://memories/${seeded.memory}`)).toMatchObject({ id: seeded.memory, kind: 'error' });
    for (const uri of ['mem://memories/ffffffff-0000', 'mem://models/nope', 'mem://nothing']) {
      await expect(conn.client.readResource({ uri }), uri).rejects.toMatchObject({ code: -32002 });
    }
  });
});

describe('bad input', () => {
  it.each([
    ['memory_search', {}, "field 'query': is required"],
    ['memory_search', { query: '   ' }, "field 'query': must not be empty"],
    ['memory_search', { query: 'x', top_k: 0 }, "field 'top_k': must be at least 1, got 0"],
    ['memory_search', { query: 'x', top_k: 2.5 }, "field 'top_k': must be a whole number, got 2.5"],
    ['memory_search', { query: 'x', topk: 3 }, "unknown field 'topk'"],
    ['memory_search', { query: 'x', kind: 'poem' }, "field 'kind': must be one of note,"],
    ['memory_search', { query: 'x', cursor: 'nonsense' }, "field 'cursor': is not a cursor this search returned"],
    ['memory_search', { query: 'x', scope: 'a', all_scopes: true }, 'give either a scope or all scopes, not both'],
    ['memory_get', { ids: [] }, "field 'ids': must be at least 1 items"],
    ['memory_get', { ids: 'abc' }, "field 'ids': must be a list, got \"abc\""],
    ['memory_add', { content: 'x', metadata: [1] }, "field 'metadata': must be a JSON object, got [1]"],
    ['fix_record', { model: 'm', issue_type: 'TIMEOUT', fix_success: true }, "field 'uid': is required"],
    ['fix_record', { uid: 'has space', model: 'm', issue_type: 'TIMEOUT', fix_success: true }, "field 'uid': must be 1 to 200 letters"],
    ['fix_record', { uid: 'u', model: 'm', issue_type: 'TIMEOUT', fix_success: 'yes' }, "field 'fix_success': must be a boolean, got \"yes\""],
    ['fix_context', { model: 'm' }, "field 'issue_type': is required"],
    ['history_search', { since: 'the day before' }, "field 'since': must be an ISO 8601 time or an age"],
    ['history_search', { cursor: 'bad' }, "field 'cursor': is not a cursor this search returned"],
    ['predict_next', { session: 'no-such-session' }, "no commands recorded for session 'no-such-session'"],
    ['episode_event', { episode_id: 'nope', type: 'command' }, 'nope'],
    ['pattern_feedback', { pattern_id: 'nope', helpful: true, adjust: 2 }, "field 'adjust': must be at most 1, got 2"],
    ['memory_delete', { id: 'x' }, 'unknown tool \'memory_delete\': it is offered only when the server runs as `mem mcp --allow-destructive`'],
    ['no_such_tool', {}, "unknown tool 'no_such_tool'"],
  ])('%s %j is a tool error: %s', async (name, args, message) => {
    expect(await conn.fail(name, args)).toContain(message);
  });

  it('leaves the server serving, with nothing on stderr', async () => {
    expect((await conn.ok('stats')).fixes).toBeDefined();
    expect(conn.stderr()).toBe('');
  });
});

describe('--allow-destructive', () => {
  it('offers memory_delete, annotated destructive; deleting hides the memory, purge removes it', async () => {
    const c = await connect(box, { args: ['--allow-destructive'] });
    try {
      const { tools } = await c.client.listTools();
      expect(tools.find((t) => t.name === 'memory_delete')!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: false });
      const { id } = await c.ok('memory_add', { content: 'a memory to forget', kind: 'note' });
      expect(await c.ok('memory_delete', { id })).toMatchObject({ id, deleted: true, purged: false });
      expect((await c.ok('memory_get', { ids: [id] })).not_found).toHaveLength(1);
      expect(await c.fail('memory_delete', { id })).toContain('no memory');
      const other = (await c.ok('memory_add', { content: 'another memory to forget', kind: 'note' })).id;
      expect(await c.ok('memory_delete', { id: other, purge: true })).toMatchObject({ purged: true });
    } finally {
      await c.close();
    }
  });
});

describe('answers stay small whatever the store holds', () => {
  it('pages, clips and splits huge memories and commands, never over the budget', async () => {
    const b = testBox();
    try {
      const giant = (i: number) => `giant record ${i} ` + 'lorem ipsum dolor sit amet éàü 数据 '.repeat(1700).slice(0, 49_000);
      const mem = openMem({ env: { ...b.env }, cwd: b.dir });
      const ids: string[] = [];
      try {
        for (let i = 0; i < 25; i++) {
          const metadata = Object.fromEntries(Array.from({ length: 2000 }, (_, k) => [`key${k}`, `value ${k} of a large metadata object`]));
          ids.push(mem.memories.add({ kind: 'note', title: `giant ${i} ${'t'.repeat(400)}`, content: giant(i), tags: Array.from({ length: 100 }, (_, k) => `tag${k}-${'x'.repeat(60)}`), metadata }).memory.id);
        }
        for (let i = 0; i < 30; i++) mem.fixes.record(aiAttempt({ uid: `big-${i}`, ai_response: { analysis: 'a'.repeat(40_000), fix_commands: Array.from({ length: 50 }, (_, k) => `cmd ${k} ${'z'.repeat(5000)}`) } }));
      } finally {
        mem.close();
      }
      const spool = join(b.env.MEM_HOME!, 'spool');
      mkdirSync(spool, { recursive: true });
      for (let i = 0; i < 40; i++) appendFileSync(join(spool, 'big.spool'), spoolLine({ session: 'big', seq: i, startUs: (Date.now() - 100_000 + i) * 1000, cwd: b.dir, command: `echo ${'y'.repeat(20_000)} ${i}` }));
      const c = await connect(b);
      try {
        const s = await c.ok('memory_search', { query: 'giant lorem', top_k: 50, mode: 'keyword' });
        expect(s.results.length).toBeGreaterThan(0);
        const got = await c.ok('memory_get', { ids: ids.slice(0, 20) });
        expect(got.memories.length).toBeGreaterThan(0);
        expect(got.omitted_ids.length).toBeGreaterThan(0);
        expect(got.memories.length + got.omitted_ids.length).toBe(20);
        // The whole content comes back in parts.
        let offset: number | null = 0;
        let content = '';
        for (let parts = 0; offset !== null; parts++) {
          expect(parts).toBeLessThan(10);
          const part: any = (await c.ok('memory_get', { ids: [ids[3]], content_offset: offset })).memories[0];
          content += part.content;
          offset = part.next_content_offset;
        }
        expect(content).toBe(giant(3));
        const h = await c.ok('history_search', { limit: 200 });
        expect(h.commands[0].command_truncated).toBe(true);
        expect(h.next_cursor).toEqual(expect.any(String));
        for (const [name, args] of [
          ['fix_similar', { model: 'llama3:8b', issue_type: 'TIMEOUT', test_prompt: 'Say hello', limit: 50 }],
          ['fix_context', { model: 'llama3:8b', issue_type: 'TIMEOUT', test_prompt: 'Say hello', limit: 20 }],
          ['recall_error', { message: 'giant lorem ipsum', top_k: 50 }],
          ['task_context', { task: 'giant lorem ipsum', top_k: 20 }],
          ['stats', {}],
        ] as const) {
          const r = await c.ok(name, args);
          expect(r, name).toBeDefined();
        }
        const model = await c.client.readResource({ uri: 'mem://models/llama3%3A8b' });
        expect(Buffer.byteLength((model.contents[0] as { text: string }).text)).toBeLessThanOrEqual(ANSWER_BYTES);
      } finally {
        await c.close();
      }
    } finally {
      b.cleanup();
    }
  }, 120_000);
});

describe('the store', () => {
  it('is created by the first write even when a read came first (fresh install)', async () => {
    const b = testBox();
    try {
      const c = await connect(b);
      try {
        expect((await c.ok('memory_search', { query: 'anything' })).results).toEqual([]);
        expect((await c.ok('history_search', {})).commands).toEqual([]);
        const { id } = await c.ok('memory_add', { content: 'written after a read of a store not created yet' });
        const list = b.mem(['list', '--json']);
        expect(list.code, list.stderr).toBe(0);
        expect(list.json().data.map((m: any) => m.id)).toEqual([id]);
      } finally {
        await c.close();
      }
    } finally {
      b.cleanup();
    }
  });
});

describe('loading', () => {
  it('keeps the SDK out of the CLI bundle: only `mem mcp` loads dist/mcp.cjs', () => {
    const cli = readFileSync(join(ROOT, 'dist', 'cli.cjs'), 'utf8');
    const server = readFileSync(join(ROOT, 'dist', 'mcp.cjs'), 'utf8');
    for (const marker of ['jsonrpc', 'toJSONSchema', 'notifications/initialized']) {
      expect(server, marker).toContain(marker);
      expect(cli, marker).not.toContain(marker);
    }
  });
});

describe('stdio', () => {
  it('writes nothing but JSON-RPC messages on stdout, and exits when stdin closes', async () => {
    const child = spawn(process.execPath, [BIN, 'mcp'], { env: box.env, cwd: box.dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const send = (m: object) => child.stdin.write(JSON.stringify(m) + '\n');
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'memory_add', arguments: { content: 'added over raw stdio' } } });
    send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'memory_search', arguments: { query: 'raw stdio' } } });
    send({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'memory_search', arguments: { query: 7 } } });
    const code = await new Promise<number | null>((resolve) => {
      const wait = setInterval(() => {
        if (out.split('\n').filter(Boolean).length >= 4) {
          clearInterval(wait);
          child.stdin.end();
        }
      }, 20);
      child.on('exit', resolve);
    });
    expect(code).toBe(0);
    expect(err).toBe('');
    // Requests are answered as they complete, not necessarily in order.
    const messages = out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .sort((a, b) => a.id - b.id);
    expect(messages.map((m) => m.id)).toEqual([1, 2, 3, 4]);
    for (const m of messages) expect(m.jsonrpc).toBe('2.0');
    expect(messages[3].result).toMatchObject({ isError: true, content: [{ text: "field 'query': must be a string, got 7" }] });
  });

  it('answers calls on a file that is not a store with a tool error, and keeps serving', async () => {
    const file = join(box.dir, 'not-a-store.db');
    writeFileSync(file, 'this is not an SQLite database, not even close: it is plain text.\n'.repeat(20));
    const c = await connect(box, { env: { MEM_DB: file } });
    try {
      expect(await c.fail('memory_search', { query: 'x' })).toBe(`the store at ${file} is not a mem store (not an SQLite database)`);
      expect(await c.fail('stats')).toContain('not a mem store');
      expect(c.stderr()).toBe('');
    } finally {
      await c.close();
    }
  });
});

describe('with an embedding model (the generated MiniLM stand-in)', () => {
  it('ranks hybrid, semantic side the raw cosine; and answers what was asked before stdin closed', () => {
    const b = testBox();
    try {
      b.env.MEM_MODEL_DIR = writeTestModel(join(b.dir, 'model'));
      for (const text of ['Releases go out on Tuesdays after the standup', 'The staging database is reset every Sunday night', 'Rotate the API keys every quarter']) {
        expect(b.mem(['add', '--kind', 'note', text]).code).toBe(0);
      }
      const embed = b.mem(['embed', '--json']);
      expect(embed.code, embed.stderr).toBe(0);
      // Several questions, then stdin closes at once (a script piping its requests): embedding a
      // query runs on the model's threads, so the answers come after the end of input.
      const requests = [
        { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'script', version: '0' } } },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        ...[2, 3, 4].map((id) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'memory_search', arguments: { query: 'when do releases go out' } } })),
      ];
      const r = b.mem(['mcp'], { input: requests.map((m) => JSON.stringify(m)).join('\n') + '\n' });
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      const answers = r.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .sort((x, y) => x.id - y.id);
      expect(answers.map((m) => m.id)).toEqual([1, 2, 3, 4]);
      const found = answers[1].result.structuredContent;
      expect(found.mode).toBe('hybrid');
      const top = found.results[0];
      expect(top.title || top.snippet).toMatch(/Releases go out/);
      expect(top.semantic_score).toBeGreaterThan(0);
      expect(top.semantic_score).toBeLessThanOrEqual(1);
      expect(top.score).toBeCloseTo(0.6 * top.semantic_score + 0.4 * top.keyword_score, 3);
    } finally {
      b.cleanup();
    }
  }, 120_000);
});
