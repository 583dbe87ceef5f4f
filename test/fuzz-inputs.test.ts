// Bounded fuzzing of every JSON and JSON Lines input, and of history files, end to end through the
// CLI (in-process for speed, a few as subprocesses): valid inputs mutated at random (fields dropped,
// wrong types, huge numbers, NaN-ish and unicode strings, deep nesting, very long strings, duplicate
// and __proto__ keys, broken text) from a seeded PRNG, so a failure replays. Each run must exit 0
// or 2, never with "internal error" or a stack trace, and an exit 2 must leave every table as it
// was (bulk inputs, which store their valid lines, must store exactly those). MEM_FUZZ_SEED and
// MEM_FUZZ_RUNS widen the search.
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiAttempt, BIN, jsonl } from './helpers.js';
import { memIn, type InProcess } from './support/inproc.js';
import { prng } from './support/prng.js';

const SEED = Number(process.env.MEM_FUZZ_SEED ?? 8);
/** Runs per input kind (in-process). */
const RUNS = Number(process.env.MEM_FUZZ_RUNS ?? 40);

let dir: string;
let env: NodeJS.ProcessEnv;
let bundleText: string;
let file = 0;


type Rnd = () => number;
const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

// Deep nesting is spliced in as text: building it as a value would overflow the test's own stack.
const DEEP = '\u0001deep\u0001';
const deepText = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

/** Values that are wrong somewhere, or everywhere. */
function weird(rnd: Rnd): unknown {
  return pick<() => unknown>(rnd, [
    () => null,
    () => true,
    () => false,
    () => 0,
    () => -1,
    () => 0.5,
    () => 1e308,
    () => -1e308,
    () => 1e20,
    () => 2 ** 53 + 2,
    () => -0,
    () => 4.9e-324,
    () => '',
    () => ' ',
    () => 'NaN',
    () => 'Infinity',
    () => '-Infinity',
    () => '1e999',
    () => '0x1f',
    () => 'null',
    () => 'true',
    () => '2024-13-45T99:99:99Z',
    () => '99999999999999999999',
    () => '-99999999999999',
    () => 'x'.repeat(60_000),
    () => 'é'.repeat(1 + Math.floor(rnd() * 3000)),
    () => '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☃ \u202eevil\u202c \u200b zero-width',
    () => '\ud800 lone \udfff surrogates',
    () => 'nul \u0000 byte',
    () => 'line\u2028sep\u2029para\r\nwin',
    () => 'Z̴̡̛̖a̷l̸g̶o̵' + '\u0301'.repeat(500),
    () => 'ghp_' + 'a1B2'.repeat(9),
    () => '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----',
    () => '$(rm -rf /); `id`; DROP TABLE memories;--',
    () => [],
    () => [null],
    () => [1, 'a', {}, [], null, true],
    () => Array.from({ length: 2000 }, (_, i) => `item ${i}`),
    () => ({}),
    () => JSON.parse('{"__proto__": {"polluted": true}, "x": 1}'),
    () => ({ constructor: { prototype: { polluted: true } } }),
    () => ({ toString: 1, valueOf: 'x', toJSON: null, hasOwnProperty: 3 }),
    () => Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])),
    () => DEEP,
  ])();
}

const NUMBERS = [0, -1, 0.5, 1e308, -1e308, 1e20, -1e20, 8.64e15 + 1, 2 ** 53 + 2, -0, 4.9e-324, 2 ** 31, 255, 256];
const STRINGS = ['', ' ', 'NaN', '1e999', '99999999999999999999', '2024-02-30', 'x'.repeat(60_000), '\ud800', '\u0000', 'ghp_' + 'a1B2'.repeat(9)];

/** Mostly a wrong value of the same type (the cases validation most easily misses), else any. */
function weirdLike(rnd: Rnd, current: unknown): unknown {
  if (rnd() < 0.5) {
    if (typeof current === 'number') return pick(rnd, NUMBERS);
    if (typeof current === 'string') return pick(rnd, STRINGS);
  }
  return weird(rnd);
}

const KEYS = ['__proto__', 'constructor', 'prototype', 'toString', '', ' ', 'id', 'uid', 'ts', 'n', 'content', 'model', 'type', 'kind', 'scope', 'success', 'extra', 'metadata', 'tags', 'timestamp', 'é', '😀'];

/** Every place in a JSON value where a value sits: [container, key]. */
function slots(v: unknown, out: [Record<string, unknown> | unknown[], string | number][] = [], depth = 0): typeof out {
  if (depth > 6 || v === null || typeof v !== 'object') return out;
  if (Array.isArray(v))
    v.forEach((x, i) => {
      out.push([v, i]);
      slots(x, out, depth + 1);
    });
  else
    for (const k of Object.keys(v)) {
      out.push([v as Record<string, unknown>, k]);
      slots((v as Record<string, unknown>)[k], out, depth + 1);
    }
  return out;
}

const define = (o: Record<string, unknown> | unknown[], k: string | number, value: unknown) => Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });

/** One structural change, somewhere in the value. */
function mutateValue(rnd: Rnd, root: unknown): unknown {
  const all = slots(root);
  const objects = [root, ...all.map(([c, k]) => (c as Record<string | number, unknown>)[k])].filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x));
  const op = rnd();
  if (op < 0.05 || !all.length) return weird(rnd); // the root itself wrong
  const [c, k] = pick(rnd, all);
  if (op < 0.3) {
    if (Array.isArray(c)) c.splice(k as number, 1);
    else delete c[k as string];
  } else if (op < 0.75) define(c, k, weirdLike(rnd, (c as Record<string | number, unknown>)[k]));
  else if (op < 0.9 && objects.length) define(pick(rnd, objects), pick(rnd, KEYS), weird(rnd));
  else if (!Array.isArray(c)) {
    const v = c[k as string];
    delete c[k as string];
    define(c, String(k).toUpperCase() + (rnd() < 0.5 ? '' : ' '), v);
  }
  return root;
}

/** The value as JSON text, sometimes broken as text: duplicate keys, truncation, stray bytes, BOM. */
function toText(rnd: Rnd, v: unknown): string {
  let s = JSON.stringify(v) ?? 'undefined';
  s = s.split(JSON.stringify(DEEP)).join(rnd() < 0.5 ? deepText(5000 + Math.floor(rnd() * 20_000)) : deepObject(3000));
  const op = rnd();
  if (op < 0.08 && s.startsWith('{')) s = `{${JSON.stringify(pick(rnd, KEYS))}: ${JSON.stringify(weird(rnd))}, ${s.slice(1)}`; // duplicate, overridden
  else if (op < 0.16 && s.endsWith('}')) s = `${s.slice(0, -1)}${s.length > 2 ? ',' : ''} ${JSON.stringify(pick(rnd, ['model', 'content', 'uid', 'id', 'fix_success', 'session_commands', 'format', 'version']))}: ${JSON.stringify(weird(rnd))}}`; // duplicate, wins
  else if (op < 0.22) s = s.slice(0, Math.floor(rnd() * s.length));
  else if (op < 0.26) {
    const at = Math.floor(rnd() * s.length);
    s = s.slice(0, at) + pick(rnd, ['"', '}', ']', ',', '\\', '\u0000', '\n', 'NaN', 'Infinity', '-', '1e']) + s.slice(at);
  } else if (op < 0.29) s = '\ufeff' + s;
  return s;
}

const mutated = (rnd: Rnd, base: unknown, n = 1 + Math.floor(rnd() * 3)) => {
  let v: unknown = structuredClone(base);
  for (let i = 0; i < n; i++) v = mutateValue(rnd, v);
  return v;
};

function writeInput(text: string | Buffer): string {
  const path = join(dir, `in-${file++}`);
  writeFileSync(path, text);
  return path;
}

/** Row counts of every table (the FTS and vector tables follow theirs). */
function counts(): Record<string, number> {
  const db = new Database(join(dir, 'data', 'mem.db'), { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%' AND name NOT LIKE 'memory_vec%'").pluck().all() as string[];
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT COUNT(*) FROM "${t}"`).pluck().get() as number]));
  } finally {
    db.close();
  }
}

const delta = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(Object.keys(b).filter((k) => a[k] !== b[k]).map((k) => [k, b[k]! - (a[k] ?? 0)]));

const PER_RUN_MS = 10_000;

async function run(args: string[]): Promise<InProcess> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`mem ${args.join(' ')} did not finish within ${PER_RUN_MS} ms`)), PER_RUN_MS)));
  try {
    return await Promise.race([memIn({ env, cwd: dir }, args), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface Outcome {
  code: number;
  err: string;
  out: string;
  changed: Record<string, number>;
}

/** Runs one fuzz case; checks what every case must satisfy, returns the rest to check. */
async function fuzzCase(label: string, args: string[]): Promise<Outcome> {
  const before = counts();
  const r = await run(args);
  const changed = delta(before, counts());
  const where = `${label}: mem ${args.join(' ')} (input ${args.find((a) => a.startsWith(dir)) ?? ''}) exited ${r.code}: ${r.err.slice(0, 300)}`;
  expect([0, 2], where).toContain(r.code);
  expect(r.err, where).not.toMatch(/internal error|\n\s+at \S+ \(|^\s+at /);
  expect(r.err.split('\n').filter(Boolean).every((l) => l.startsWith('mem: ') || l.startsWith('{"error"')), where).toBe(true);
  return { code: r.code, err: r.err, out: r.out, changed };
}

/** Single-object and all-or-nothing inputs: exit 2 writes nothing. */
async function atomicCase(label: string, args: string[]): Promise<Outcome> {
  const o = await fuzzCase(label, args);
  if (o.code === 2) expect(o.changed, `${label}: exit 2 but wrote ${JSON.stringify(o.changed)} (${o.err.slice(0, 200)})`).toEqual({});
  return o;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mem-fuzz-'));
  env = { HOME: dir, MEM_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config'), MEM_OFFLINE: '1', MEM_NO_WORKER: '1', MEM_SCOPE: 'proj', LANG: 'C.UTF-8', TZ: 'UTC' };
  // A bundle with every section filled, from another store: what `mem export` writes.
  const other = join(dir, 'other.db');
  const o = async (args: string[]) => {
    const r = await memIn({ env, cwd: dir }, ['--db', other, ...args]);
    if (r.code !== 0) throw new Error(`mem ${args.join(' ')}: ${r.err}`);
    return r;
  };
  const old = new Date(Date.now() - 90 * 86_400_000).toISOString();
  await o(['fix', 'record', '--from-json', writeInput(jsonl([aiAttempt({ timestamp: old }), aiAttempt({ uid: 'fix-1' }), aiAttempt({ fix_success: false, issue_data: { model: 'qwen2:7b' } })]))]);
  await o(['cleanup', '--older-than', '30d']);
  await o(['model', 'llama3:8b', '--set-notes', 'cold starts']);
  await o(['add', '--bulk', writeInput(jsonl([{ content: 'deploy billing: ran migrations', kind: 'task', success: true, tags: ['a'], metadata: { k: 1 } }, { content: 'deploy billing: skipped tests', kind: 'task', success: false }, { content: 'deploy billing: migrations first', kind: 'task', success: true }]))]);
  await o(['learn', '--from-json', writeInput(jsonl([{ session_commands: ['make', { command: 'make test', exit_code: 0, cwd: '/w' }], session_outcome: 'success' }]))]);
  await o(['patterns', 'extract', '--match', 'billing', '--type', 'success']);
  const ep = JSON.parse((await o(['episode', 'start', 'release the api', '--json'])).out).id as string;
  await o(['episode', 'event', ep, '--type', 'step', '--data', '{"k": [1, 2]}']);
  await o(['episode', 'end', ep, '--success']);
  await o(['export', join(dir, 'bundle.json')]);
  bundleText = readFileSync(join(dir, 'bundle.json'), 'utf8');
  // The store under test has some of everything too.
  for (const args of [
    ['fix', 'record', '--model', 'llama3:8b', '--issue-type', 'TIMEOUT', '--success'],
    ['add', 'a memory to find'],
    ['learn', '--from-json', writeInput(jsonl([{ session_commands: ['ls', 'pwd'] }]))],
  ]) {
    const r = await memIn({ env, cwd: dir }, args);
    if (r.code !== 0) throw new Error(r.err);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fuzzed JSON inputs', () => {
  it('fix record --from-json: one attempt (nested or flat), all or nothing', async () => {
    const rnd = prng(SEED);
    const flat = { model: 'llama3:8b', issue_type: 'TIMEOUT', fix_success: true, fix_commands: ['ollama pull llama3:8b'], confidence: 0.5, execution_time: 3, timestamp: '2025-01-01T00:00:00Z' };
    for (let i = 0; i < RUNS; i++) await atomicCase(`case ${i}`, ['fix', 'record', '--json', '--from-json', writeInput(toText(rnd, mutated(rnd, rnd() < 0.7 ? aiAttempt() : flat)))]);
  });

  it('fix record --from-json in bulk: exactly the valid lines are stored', async () => {
    const rnd = prng(SEED + 1);
    for (let i = 0; i < RUNS / 2; i++) {
      const lines = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => (rnd() < 0.4 ? JSON.stringify(aiAttempt({ issue_data: { test_prompt: `p${rnd()}` } })) : toText(rnd, mutated(rnd, aiAttempt())).replace(/\n/g, ' ')));
      const o = await fuzzCase(`case ${i}`, ['fix', 'record', '--json', '--from-json', writeInput(lines.join('\n') + '\n')]);
      // One attempt prints one (pretty-printed) result; several, JSON Lines of results.
      const results = o.out.trim().startsWith('{\n') ? [JSON.parse(o.out) as { created?: boolean }] : o.out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { created?: boolean });
      const created = results.filter((l) => l.created === true).length;
      expect(o.changed.fix_attempts ?? 0, `case ${i}: ${o.out.slice(0, 300)}`).toBe(created);
    }
  });

  it.each([['context'], ['similar']])('fix %s --from-json: reads, never writes', async (sub) => {
    const rnd = prng(SEED + (sub === 'context' ? 2 : 3));
    const issue = { model: 'llama3:8b', issue_type: 'TIMEOUT', test_prompt: 'Say hello', actual_response: '', description: 'slow' };
    for (let i = 0; i < RUNS / 2; i++) {
      const o = await fuzzCase(`case ${i}`, ['fix', sub, '--from-json', writeInput(toText(rnd, mutated(rnd, rnd() < 0.5 ? issue : { issue_data: issue })))]);
      expect(o.changed, `case ${i}`).toEqual({});
    }
  });

  it('add --bulk: exactly the valid lines are stored', async () => {
    const rnd = prng(SEED + 4);
    const base = { content: 'a memory', kind: 'task', title: 't', tags: ['x', 'y'], metadata: { k: 'v', n: [1, 2] }, source: 'manual', success: true, task_id: 't1', language: 'en' };
    for (let i = 0; i < RUNS; i++) {
      const lines = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => toText(rnd, mutated(rnd, { ...base, content: `memory ${i} ${rnd()}` })).replace(/\n/g, ' '));
      const o = await fuzzCase(`case ${i}`, ['add', '--json', '--bulk', writeInput(lines.join('\n'))]);
      if (o.out) expect(o.changed.memories ?? 0, `case ${i}: ${o.out.slice(0, 300)}`).toBe((JSON.parse(o.out) as { created: number }).created);
      else expect(o.changed, `case ${i}`).toEqual({});
    }
  });

  it('learn --from-json: every session validated before anything is stored', async () => {
    const rnd = prng(SEED + 5);
    const base = { session_commands: ['git status', { command: 'git add -A', exit_code: 0, cwd: '/w' }, { command: 'git commit -m x' }], session_outcome: 'success' };
    for (let i = 0; i < RUNS; i++) {
      const lines = Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => toText(rnd, mutated(rnd, base)).replace(/\n/g, ' '));
      await atomicCase(`case ${i}`, ['learn', '--json', '--from-json', writeInput(lines.join('\n'))]);
    }
  });

  it('import: a mutated bundle is merged whole or not at all', async () => {
    const rnd = prng(SEED + 6);
    const bundle = JSON.parse(bundleText) as Record<string, unknown>;
    for (let i = 0; i < RUNS; i++) {
      // Mutations land in one section at a time (a whole-bundle pick would rarely reach the rows).
      const b = structuredClone(bundle);
      const section = pick(rnd, Object.keys(b).filter((k) => Array.isArray(b[k]) && (b[k] as unknown[]).length));
      const rows = b[section] as unknown[];
      if (rnd() < 0.8) {
        const row = Math.floor(rnd() * rows.length);
        rows[row] = mutated(rnd, rows[row]);
      } else b[section] = mutated(rnd, rows);
      // Fresh ids, so that rows are new to the store and really inserted.
      const text = toText(rnd, b).replace(/"(uid|id|memory_id|episode_id)":"([^"]{1,80})"/g, (_m, k: string, v: string) => `"${k}":"${v}-${i}"`);
      await atomicCase(`case ${i} (${section})`, ['import', '--json', writeInput(text)]);
    }
  });
});

describe('fuzzed history files', () => {
  it('import-history: random bytes and mutated zsh and bash histories', async () => {
    const rnd = prng(SEED + 7);
    const zsh = Array.from({ length: 30 }, (_, i) => `: ${1_700_000_000 + i * 60}:${i % 3};${pick(rnd, ['git status', 'ls -la', 'echo "multi\\\nline"', 'vim é.txt', 'make'])}`).join('\n') + '\n';
    const bash = Array.from({ length: 30 }, (_, i) => `#${1_700_000_000 + i * 60}\n${pick(rnd, ['cd /tmp', 'npm test', 'echo $HOME', 'printf "%s\\n" x'])}`).join('\n') + '\n';
    for (let i = 0; i < RUNS; i++) {
      let data: Buffer;
      const op = rnd();
      if (op < 0.3) data = Buffer.from(Array.from({ length: Math.floor(rnd() * 4000) }, () => Math.floor(rnd() * 256)));
      else {
        data = Buffer.from(rnd() < 0.5 ? zsh : bash, 'latin1');
        for (let m = 0; m < 1 + Math.floor(rnd() * 20); m++) {
          const at = Math.floor(rnd() * data.length);
          const bytes = pick(rnd, [[0x83], [0x83, 0x83], [0x0a], [0x00], [0x5c, 0x0a], [0x3a, 0x20], [0x23], [0xff, 0xfe], [0xe9], [0x3b]]);
          data = Buffer.concat([data.subarray(0, at), Buffer.from(bytes), data.subarray(rnd() < 0.3 ? Math.min(data.length, at + Math.floor(rnd() * 50)) : at)]);
        }
      }
      const shell = pick(rnd, ['auto', 'zsh', 'bash']);
      await atomicCase(`case ${i}`, ['import-history', '--json', '--shell', shell, writeInput(data)]);
    }
  });
});

describe('fuzzed inputs to the built CLI', () => {
  // A few cases as real processes: exit codes, stderr and no hang, with a timeout per run.
  it('exits 0 or 2 with one line on stderr, within the timeout', async () => {
    const rnd = prng(SEED + 8);
    const cases: string[][] = [
      ['fix', 'record', '--from-json', writeInput(toText(rnd, mutated(rnd, aiAttempt(), 3)))],
      ['add', '--bulk', writeInput(toText(rnd, mutated(rnd, { content: 'x', kind: 'note' }, 3)))],
      ['learn', '--from-json', writeInput(toText(rnd, mutated(rnd, { session_commands: ['ls'] }, 3)))],
      ['import', writeInput(toText(rnd, mutated(rnd, JSON.parse(bundleText), 3)))],
      ['import', writeInput(deepText(100_000))],
      ['fix', 'record', '--from-json', writeInput(`{"model": ${deepObject(50_000)}}`)],
      ['import-history', writeInput(Buffer.from(Array.from({ length: 3000 }, () => Math.floor(rnd() * 256))))],
    ];
    for (const args of cases) {
      const r = await execa(process.execPath, [BIN, ...args], { env: { ...env, PATH: process.env.PATH }, extendEnv: false, cwd: dir, reject: false, timeout: 20_000, input: '' });
      const where = `mem ${args.join(' ')}: exit ${r.exitCode} ${String(r.stderr).slice(0, 300)}`;
      expect(r.timedOut, where).toBe(false);
      expect([0, 2], where).toContain(r.exitCode);
      expect(String(r.stderr), where).not.toMatch(/internal error|\n\s+at /);
    }
  });
});
