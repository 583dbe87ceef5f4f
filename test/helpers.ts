// Test support: a temp HOME per test with its own store, and the built CLI run as a subprocess.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
/** The CLI under test; MEM_TEST_BIN runs the same tests against another build (an older commit's worktree). */
export const BIN = process.env.MEM_TEST_BIN ? resolve(process.env.MEM_TEST_BIN) : join(ROOT, 'bin', 'mem');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
  json<T = any>(): T;
}

export interface Sandbox {
  dir: string;
  env: NodeJS.ProcessEnv;
  db: string;
  mem(args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string }): Result;
  cleanup(): void;
}

export function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'mem-test-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    MEM_HOME: join(dir, 'data'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    // bin/mem's code cache (one file per build and node), shared by every sandbox: a test's HOME
    // then holds only what the test made, and each test does not compile the bundle afresh.
    XDG_CACHE_HOME: join(tmpdir(), 'mem-test-cache'),
    LANG: 'C.UTF-8',
    TZ: 'UTC',
  };
  return {
    dir,
    env,
    db: join(dir, 'data', 'mem.db'),
    mem: (args, opts = {}) => run(args, { env: { ...env, ...opts.env }, input: opts.input, cwd: opts.cwd ?? dir }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function run(args: string[], opts: SpawnSyncOptions & { input?: string }): Result {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', ...opts, input: opts.input ?? '' });
  const stdout = String(r.stdout ?? '');
  return {
    code: r.status ?? -1,
    stdout,
    stderr: String(r.stderr ?? ''),
    json: () => JSON.parse(stdout),
  };
}

/** A fix attempt as an AI fixer writes it. */
export function aiAttempt(over: Record<string, any> = {}): Record<string, any> {
  const { issue_data, ai_response, ...top } = over;
  return {
    issue_data: {
      model: 'llama3:8b',
      issue_type: 'TIMEOUT',
      description: 'model timed out after 30s',
      test_prompt: 'Say hello',
      actual_response: '',
      ...issue_data,
    },
    ai_response: { analysis: 'the model was not loaded', fix_commands: ['ollama pull llama3:8b'], confidence: 0.8, ...ai_response },
    fix_success: true,
    verification_success: true,
    execution_time: 12.5,
    fixer_type: 'claude',
    system_info: { os: 'linux', ram: '32G' },
    notes: '',
    ...top,
  };
}

export const jsonl = (items: unknown[]) => items.map((i) => JSON.stringify(i)).join('\n') + '\n';

/** A small seeded PRNG (mulberry32): tests that draw random data draw the same data every run. */
export { prng as seeded } from './support/prng.js';
