// Concurrent writers, for real: the built CLI as many processes at once on one store, while the
// embedding worker embeds and the learner works through an imported history. Every command must
// succeed (writers queue on the store's lock, they never fail), and every write must land exactly
// once. Then the other side: a store held locked past the busy timeout makes every writing
// command fail with the one-line "store busy" error, exit 1, having written nothing.
import Database from 'better-sqlite3';
import { execa } from 'execa';
import * as sqliteVec from 'sqlite-vec';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aiAttempt, BIN, jsonl, sandbox, type Sandbox } from './helpers.js';
import { memIn } from './support/inproc.js';
import { writeTestModel } from './support/onnx-model.js';
import { prng } from './support/prng.js';

let box: Sandbox;
let modelRoot: Sandbox;
let modelDir: string;

beforeAll(() => {
  modelRoot = sandbox();
  modelDir = writeTestModel(join(modelRoot.dir, 'models'));
});
afterAll(() => modelRoot.cleanup());
beforeEach(() => (box = sandbox()));
afterEach(() => box.cleanup());

interface Run {
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `mem ARGS` as a subprocess, asynchronously, with a timeout (a hung writer is a failure too). */
async function mem(args: string[], o: { env?: NodeJS.ProcessEnv; input?: string; timeout?: number } = {}): Promise<Run> {
  const t0 = Date.now();
  const r = await execa(process.execPath, [BIN, ...args], {
    env: { ...box.env, ...o.env },
    extendEnv: false,
    cwd: box.dir,
    input: o.input ?? '',
    reject: false,
    timeout: o.timeout ?? 45_000,
    stripFinalNewline: false,
  });
  return { args, code: r.timedOut ? -1 : (r.exitCode ?? -1), stdout: String(r.stdout), stderr: String(r.stderr), ms: Date.now() - t0 };
}


/** Runs `run` while another connection holds the store's write lock, and releases it after. */
async function whileLocked<T>(run: () => Promise<T>): Promise<T> {
  const holder = new Database(box.db);
  holder.exec('BEGIN IMMEDIATE');
  try {
    return await run();
  } finally {
    holder.exec('ROLLBACK');
    holder.close();
  }
}

const failed = (runs: Run[]) => runs.filter((r) => r.code !== 0 || r.stderr !== '').map((r) => `mem ${r.args.slice(0, 4).join(' ')}: exit ${r.code} ${r.stderr.trim()}`);


/** A zsh extended history of `lines` entries: recurring workflows, sessions cut by long gaps. */
function zshHistory(lines: number, seed = 7): string {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const flows = [
    ['git status', 'git add -A', 'git commit -m "wip %"', 'git push'],
    ['cd ~/src/app%', 'npm install', 'npm test', 'npm run build'],
    ['docker compose up -d', 'docker ps', 'docker logs api%', 'docker compose down'],
    ['vim src/mod%.ts', 'npx tsc --noEmit', 'npx vitest run test/mod%.test.ts'],
    ['ls -la', 'cat notes%.md', 'grep -rn TODO src', 'make -j4'],
  ];
  const out: string[] = [];
  let ts = 1_600_000_000;
  while (out.length < lines) {
    ts += rnd() < 0.05 ? 7200 + Math.floor(rnd() * 86400) : 1 + Math.floor(rnd() * 90);
    const flow = pick(flows);
    const n = String(Math.floor(rnd() * 40));
    for (const step of flow) {
      if (out.length >= lines) break;
      out.push(`: ${ts}:0;${step.replace('%', n)}`);
      ts += 1 + Math.floor(rnd() * 20);
    }
  }
  return out.join('\n') + '\n';
}

/** The store, read directly (a separate read-only connection: the CLI's own view is tested elsewhere). */
function inStore<T>(f: (db: Database.Database) => T): T {
  const db = new Database(box.db, { readonly: true });
  sqliteVec.load(db);
  try {
    return f(db);
  } finally {
    db.close();
  }
}

/** Commands learned exactly once: the learner's position is the last command, and every command counted once. */
function learnedAll(db: Database.Database): { learned: number; commands: number; counted: number } {
  const learned = Number((db.prepare("SELECT value FROM predict_state WHERE key = 'learned_id'").pluck().get() as string | undefined) ?? 0);
  const commands = db.prepare('SELECT MAX(id) FROM commands').pluck().get() as number;
  const counted = db.prepare('SELECT SUM(count) FROM predict_commands').pluck().get() as number;
  return { learned, commands, counted };
}

describe('concurrent writers', () => {
  it('8 processes × 25 `mem add` while the embedding worker embeds and the learner learns an import: no failures, each memory once', async () => {
    const env = { MEM_MODEL_DIR: modelDir, MEM_OFFLINE: '1', MEM_NO_WORKER: '1', MEM_SCOPE: 'proj', MEM_EMBEDDING_BATCH_SIZE: '4' };
    const hist = join(box.dir, 'zsh_history');
    writeFileSync(hist, zshHistory(20_000));
    const imported = await mem(['import-history', '--shell', 'zsh', hist, '--json'], { env });
    expect(imported.code, imported.stderr).toBe(0);
    const commands = JSON.parse(imported.stdout).added as number;
    expect(commands).toBeGreaterThan(19_000);
    // A backlog for the embedding worker, so it is embedding from the first add to the last.
    const seedFile = join(box.dir, 'seed.jsonl');
    writeFileSync(seedFile, jsonl(Array.from({ length: 400 }, (_, i) => ({ content: `seeded memory ${i}: deploy step ${i % 17} of service ${i % 23}` }))));
    const seeded = await mem(['add', '--bulk', seedFile, '--json'], { env });
    expect(seeded.code, seeded.stderr).toBe(0);

    let adding = true;
    const workers: Run[] = [];
    const embedding = (async () => {
      // A real worker process, again and again: it claims batches and writes vectors while the adds run.
      while (adding) workers.push(await mem(['embed', '--worker'], { env, timeout: 240_000 }));
    })();
    const learner = mem(['__ingest', '--learn-all'], { env, timeout: 240_000 });

    const adds: Run[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, p) => {
        for (let i = 0; i < 25; i++) adds.push(await mem(['add', `concurrent memory ${p}-${i}: the ${['api', 'db', 'cache'][i % 3]} process ${p} note ${i}`, '--json'], { env }));
      }),
    );
    adding = false;
    const learned = await learner;
    await embedding;
    const finish = await mem(['embed', '--json'], { env });

    expect(failed(adds)).toEqual([]);
    expect(failed([...workers, learned, finish])).toEqual([]);
    expect(workers.length).toBeGreaterThan(0);
    const ids = adds.map((r) => JSON.parse(r.stdout).id as string);
    expect(new Set(ids).size).toBe(200);
    inStore((db) => {
      const rows = db.prepare("SELECT content, COUNT(*) AS n FROM memories WHERE content LIKE 'concurrent memory %' GROUP BY content").all() as { n: number }[];
      expect(rows).toHaveLength(200);
      expect(rows.every((r) => r.n === 1)).toBe(true);
      expect(db.prepare("SELECT embedding_status, COUNT(*) AS n FROM memories GROUP BY 1").all()).toEqual([{ embedding_status: 'completed', n: 600 }]);
      expect(db.prepare('SELECT COUNT(*) FROM memory_vec_384').pluck().get()).toBe(600);
      expect(learnedAll(db)).toEqual({ learned: commands, commands, counted: commands });
    });
  }, 300_000);

  it('the other writers at once (episodes, rm, edit, learn, import, patterns extract, predict, fix record): no failures, exact counts', async () => {
    const env = { MEM_OFFLINE: '1', MEM_NO_WORKER: '1', MEM_SCOPE: 'proj', MEM_EMBEDDING_PROVIDER: 'none' };
    const ok = async (args: string[], input?: string) => {
      const r = await mem(args, { env, input });
      if (r.code !== 0) throw new Error(`mem ${args.join(' ')}: ${r.stderr}`);
      return r;
    };
    // Task memories to edit, remove and extract patterns from.
    const tasks = Array.from({ length: 40 }, (_, i) => ({
      kind: 'task',
      content: `deploy billing service ${i}: ${i % 2 ? 'ran the migrations first, smoke tests green' : 'skipped the tests, schema mismatch'}`,
      success: i % 2 === 1,
    }));
    const added = (await ok(['add', '--bulk', '-', '--json'], jsonl(tasks))).stdout;
    const ids = JSON.parse(added).ids as string[];
    // A bundle from another store: attempts, memories, episodes, a few commands.
    const other = join(box.dir, 'other.db');
    const o = (args: string[], input?: string) => ok(['--db', other, ...args], input);
    await o(['fix', 'record', '--from-json', '-'], jsonl(Array.from({ length: 30 }, (_, i) => aiAttempt({ issue_data: { test_prompt: `bundled ${i}` } }))));
    await o(['add', '--bulk', '-'], jsonl(Array.from({ length: 25 }, (_, i) => ({ content: `bundled memory ${i}` }))));
    await o(['learn', '--from-json', '-'], jsonl([{ session_commands: ['make', 'make test', 'git push'], session_outcome: 'success' }]));
    const ep = JSON.parse((await o(['episode', 'start', 'bundled episode', '--json'])).stdout).id as string;
    await o(['episode', 'event', ep, '--type', 'step']);
    await o(['episode', 'end', ep, '--success']);
    const bundle = join(box.dir, 'bundle.json');
    await o(['export', bundle]);

    const session = (k: number) => ({ session_commands: [`cd ~/w${k}`, 'git pull', 'npm ci', 'npm test', `git commit -m "t${k}"`], session_outcome: k % 3 ? 'success' : 'failure' });
    const episode = async (p: number, k: number): Promise<Run[]> => {
      const start = await mem(['episode', 'start', `task ${p}-${k}: release the api`, '--json'], { env });
      if (start.code !== 0) return [start];
      const id = JSON.parse(start.stdout).id as string;
      const runs = [start];
      for (let e = 0; e < 3; e++) runs.push(await mem(['episode', 'event', id, '--type', e === 2 ? 'error' : 'step', '--data', JSON.stringify({ e })], { env }));
      runs.push(await mem(['episode', 'end', id, k % 2 ? '--success' : '--failure'], { env }));
      return runs;
    };
    const seq = async (n: number, f: (i: number) => Promise<Run | Run[]>) => {
      const out: Run[] = [];
      for (let i = 0; i < n; i++) out.push(...[await f(i)].flat());
      return out;
    };
    const runs = (
      await Promise.all([
        seq(2, (k) => episode(0, k)),
        seq(2, (k) => episode(1, k)),
        seq(2, (k) => episode(2, k)),
        seq(6, (i) => mem(['rm', ids[i]!], { env })),
        seq(6, (i) => mem(['edit', ids[20 + i]!, '--content', `deploy billing service ${20 + i}: edited, ran the migrations first`], { env })),
        seq(5, (i) => mem(['learn', '--from-json', '-'], { env, input: jsonl([session(2 * i), session(2 * i + 1)]) })),
        seq(3, () => mem(['import', bundle], { env })),
        seq(5, () => mem(['patterns', 'extract', '--match', 'billing', '--type', 'success'], { env })),
        seq(5, (i) => mem(['predict', '--context', i % 2 ? 'git pull' : 'npm ci'], { env })),
        seq(6, (i) => mem(['fix', 'record', '--model', 'qwen2:7b', '--issue-type', 'ERROR', '--test-prompt', `p${i}`, '--fix-command', 'retry', '--success'], { env })),
        seq(2, (i) => mem(['fix', 'record', '--from-json', '-'], { env, input: jsonl(Array.from({ length: 20 }, (_, j) => aiAttempt({ issue_data: { test_prompt: `bulk ${i}-${j}` } }))) })),
      ])
    ).flat();

    expect(failed(runs)).toEqual([]);
    expect(runs).toHaveLength(6 * 5 + 6 + 6 + 5 + 3 + 5 + 5 + 6 + 2);
    inStore((db) => {
      const n = (sql: string) => db.prepare(sql).pluck().get();
      expect(n('SELECT COUNT(*) FROM episodes')).toBe(6 + 1);
      expect(n('SELECT COUNT(*) FROM episodes WHERE ended_at IS NOT NULL')).toBe(7);
      expect(n('SELECT COUNT(*) FROM episode_events')).toBe(6 * 3 + 1);
      expect(n('SELECT COUNT(*) FROM memories')).toBe(40 + 25 + 1 + 6);
      expect(n('SELECT COUNT(*) FROM memories WHERE deleted_at IS NOT NULL')).toBe(6);
      expect(n("SELECT COUNT(*) FROM memories WHERE content LIKE '%edited%'")).toBe(6);
      expect(n("SELECT COUNT(*) FROM memory_audit WHERE action = 'edit'")).toBe(6);
      expect(n('SELECT COUNT(*) FROM fix_attempts')).toBe(30 + 6 + 40);
      expect(n('SELECT SUM(success_count + failure_count) FROM issue_patterns')).toBe(76);
      expect(n('SELECT COUNT(*) FROM learned_patterns')).toBe(1);
      expect(n("SELECT COUNT(*) FROM commands WHERE source = 'learn'")).toBe(10 * 5 + 3);
      expect(learnedAll(db)).toEqual({ learned: 10 * 5 + 3, commands: 10 * 5 + 3, counted: 10 * 5 + 3 });
    });
  }, 240_000);
});

describe('concurrent learners', () => {
  it('three learning at once (the background ingester, `mem learn`, `mem predict` can meet) learn each command once', async () => {
    const env = { MEM_OFFLINE: '1', MEM_NO_WORKER: '1' };
    const hist = join(box.dir, 'zsh_history');
    writeFileSync(hist, zshHistory(6000, 11));
    const imported = await mem(['import-history', '--shell', 'zsh', hist, '--json'], { env });
    expect(imported.code, imported.stderr).toBe(0);
    const commands = JSON.parse(imported.stdout).added as number;
    const runs = await Promise.all([1, 2, 3].map(() => mem(['__ingest', '--learn-all'], { env, timeout: 120_000 })));
    expect(failed(runs)).toEqual([]);
    expect(inStore(learnedAll)).toEqual({ learned: commands, commands, counted: commands });
  }, 180_000);
});

describe('a store busy past the timeout', () => {
  // Another connection holds the write lock for longer than store.busy_timeout_ms (200 ms here).
  const env = () => ({ ...box.env, MEM_OFFLINE: '1', MEM_NO_WORKER: '1', MEM_SCOPE: 'proj', MEM_STORE_BUSY_TIMEOUT_MS: '200', MEM_MODEL_DIR: modelDir });
  const memi = (args: string[]) => memIn({ env: env(), cwd: box.dir }, args);
  let ids: { memory: string; other: string; episode: string; pattern: string };

  /** Every table's row count, and the sum of its integer columns' rowids: nothing written means none moved. */
  const counts = () =>
    inStore((db) => {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%' AND name NOT LIKE 'memory_vec%'").pluck().all() as string[];
      return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT COUNT(*) FROM "${t}"`).pluck().get()]));
    });

  beforeEach(async () => {
    const ok = async (args: string[]) => {
      const r = await memi([...args, '--json']);
      if (r.code !== 0) throw new Error(`mem ${args.join(' ')}: ${r.err}`);
      return r.json();
    };
    const tasks = Array.from({ length: 6 }, (_, i) => ({ kind: 'task', content: `deploy billing ${i}: ${i % 2 ? 'ran the migrations first' : 'skipped the tests'}`, success: i % 2 === 1 }));
    writeFileSync(join(box.dir, 'tasks.jsonl'), jsonl(tasks));
    const added = await ok(['add', '--bulk', join(box.dir, 'tasks.jsonl')]);
    const episode = await ok(['episode', 'start', 'release the api']);
    const pattern = await ok(['patterns', 'extract', '--match', 'billing', '--type', 'success']);
    await ok(['fix', 'record', '--model', 'llama3:8b', '--issue-type', 'TIMEOUT', '--success']);
    await ok(['learn', '--from-json', writeJson('learn.jsonl', jsonl([{ session_commands: ['make', 'make test'] }]))]);
    ids = { memory: added.ids[0], other: added.ids[1], episode: episode.id, pattern: pattern.id };
    await ok(['export', join(box.dir, 'bundle.json')]);
    // A bundle with something new in it, so an import has something to write.
    const bundle = JSON.parse(readFileSync(join(box.dir, 'bundle.json'), 'utf8'));
    bundle.memories = [{ ...bundle.memories[0], id: '11111111-2222-4333-8444-555555555555', content: 'from the bundle' }];
    writeJson('bundle.json', JSON.stringify(bundle));
  });

  const writeJson = (name: string, text: string) => {
    const path = join(box.dir, name);
    writeFileSync(path, text);
    return path;
  };

  const writers: [string, () => string[]][] = [
    ['add', () => ['add', 'a new memory']],
    ['add --bulk', () => ['add', '--bulk', writeJson('more.jsonl', jsonl([{ content: 'bulk one' }, { content: 'bulk two' }]))]],
    ['edit', () => ['edit', ids.memory, '--content', 'changed']],
    ['rm', () => ['rm', ids.memory]],
    ['rm --purge', () => ['rm', ids.other, '--purge']],
    ['episode start', () => ['episode', 'start', 'another task']],
    ['episode event', () => ['episode', 'event', ids.episode, '--type', 'step']],
    ['episode end', () => ['episode', 'end', ids.episode, '--success']],
    ['learn --from-json', () => ['learn', '--from-json', writeJson('l2.jsonl', jsonl([{ session_commands: ['ls', 'pwd'] }]))]],
    ['import', () => ['import', join(box.dir, 'bundle.json')]],
    ['patterns extract', () => ['patterns', 'extract', '--match', 'deploy', '--type', 'failure']],
    ['patterns feedback', () => ['patterns', 'feedback', ids.pattern, '--helpful']],
    ['fix record', () => ['fix', 'record', '--model', 'qwen2:7b', '--issue-type', 'ERROR', '--failure']],
    ['fix record --from-json', () => ['fix', 'record', '--from-json', writeJson('a.jsonl', jsonl([aiAttempt(), aiAttempt({ fix_success: false })]))]],
    ['model --set-notes', () => ['model', 'llama3:8b', '--set-notes', 'slow to load']],
    ['kb seed', () => ['kb', 'seed']],
    ['import-history', () => ['import-history', '--shell', 'bash', writeJson('bash_history', 'ls\ncd /tmp\nmake\n')]],
    ['embed', () => ['embed']],
    ['cleanup', () => ['cleanup', '--older-than', '0d']],
    ['prune', () => ['prune']],
  ];

  it.each(writers)('%s: one line "store busy", exit 1, nothing written', async (_name, args) => {
    const argv = args();
    const before = counts();
    const r = await whileLocked(() => memi(argv));
    expect(r.err).toMatch(/^mem: store busy: the store stayed locked by another process past the busy timeout \(store\.busy_timeout_ms\); try again\n$/);
    expect(r.code).toBe(1);
    expect(counts()).toEqual(before);
  });

  const readers: [string, () => string[]][] = [
    ['show', () => ['show', ids.memory]],
    ['search', () => ['search', 'billing migrations', '--mode', 'keyword']],
    ['recall-error', () => ['recall-error', 'billing failed']],
    ['context', () => ['context', 'deploy billing']],
    ['episode similar', () => ['episode', 'similar', 'release the api']],
    ['list', () => ['list']],
    ['stats', () => ['stats']],
    ['history', () => ['history']],
    ['export', () => ['export', join(box.dir, 'out.json')]],
  ];

  it.each(readers)('%s answers anyway (its bookkeeping is skipped)', async (_name, args) => {
    const argv = args();
    const r = await whileLocked(() => memi(argv));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('predict with commands to learn: answers from what is learned, and learns them later', async () => {
    await memi(['import-history', '--no-learn', '--shell', 'bash', writeJson('h', 'make\nmake test\nmake\nmake test\n')]);
    const r = await whileLocked(() => memi(['predict', '--context', 'make', '--json']));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.json().learning_backlog).toBe(4);
    const later = await memi(['predict', '--context', 'make', '--json']);
    expect(later.json().learning_backlog).toBe(0);
    expect(later.json().predictions[0].next_command).toBe('make test');
  });

  it('import-history kept out: one line, nothing imported (one transaction), and importing again adds it all', async () => {
    const hist = writeJson('zsh_history', zshHistory(60_000, 3));
    const before = inStore((db) => db.prepare('SELECT COUNT(*) FROM commands').pluck().get() as number);
    const r = await whileLocked(() => mem(['import-history', '--shell', 'zsh', hist], { env: { MEM_STORE_BUSY_TIMEOUT_MS: '200' } }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mem: store busy: [^\n]*\n$/);
    expect(inStore((db) => db.prepare('SELECT COUNT(*) FROM commands').pluck().get())).toBe(before);
    const again = await mem(['import-history', '--shell', 'zsh', hist, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ entries: 60_000, added: 60_000, already_present: 0 });
    expect(inStore((db) => db.prepare('SELECT COUNT(*) FROM commands').pluck().get())).toBe(before + 60_000);
  });
});
