// `mem fix last`: the last failed command of this session and what the user ran next that worked
// when the same command (or one like it) failed before, learned from their own captured history
// (spooled as the hooks write it, with exit codes), plus fix attempts and error memories naming it.
// In-process over a temp store with a fixed clock.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alike } from '../src/fixes/last.js';
import { ensureDir, spoolLine } from './shell-support.js';
import { memIn, type InProcess } from './support/inproc.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
let dir: string;
let env: NodeJS.ProcessEnv;
let seq = 0;
let clock = NOW - 10 * 3_600_000;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mem-fl-'));
  env = { HOME: dir, MEM_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config'), MEM_EMBEDDING_PROVIDER: 'none', MEM_NO_WORKER: '1', TZ: 'UTC' };
  seq = 0;
  clock = NOW - 10 * 3_600_000;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mem = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<InProcess> => memIn({ env: { ...env, ...extra }, cwd: dir, now: () => NOW }, args);
async function last(args: string[] = [], extra: NodeJS.ProcessEnv = {}) {
  const r = await mem(['fix', 'last', '--json', ...args], extra);
  if (r.code !== 0) throw new Error(`mem fix last exited ${r.code}: ${r.err}`);
  return r.json<{ failed: { command: string; exit_code: number } | null; next: { command: string; count: number; of: number; exact: boolean; reason: string }[]; memories: { kind: string }[]; empty: string | null }>();
}

/** One shell session, each command a minute after the last: [line, exit status]. */
function session(name: string, commands: [string, number][]): void {
  const spool = ensureDir(join(env.MEM_HOME!, 'spool'));
  for (const [command, exit] of commands) {
    clock += 60_000;
    appendFileSync(join(spool, `${name}.spool`), spoolLine({ session: name, seq: ++seq, startUs: clock * 1000, exit, cwd: '/w', command }));
  }
}

describe('mem fix last', () => {
  it('offers what ran next and worked when the same command failed before', async () => {
    session('a', [['git push', 1], ['git pull --rebase', 0], ['git push', 0]]);
    session('b', [['make', 0], ['git push', 1], ['git pull --rebase', 0], ['git push', 0]]);
    session('c', [['git push', 1], ['git status', 0]]);
    session('d', [['vim x', 0], ['git push', 1]]);
    const r = await last([], { MEM_SESSION: 'd' });
    expect(r.failed).toMatchObject({ command: 'git push', exit_code: 1 });
    expect(r.next[0]).toMatchObject({ command: 'git pull --rebase', count: 2, of: 3, exact: true });
    expect(r.next[0]!.reason).toBe('ran next and worked 2 times after `git push` failed (of 3 earlier failures)');
    expect(r.next.map((n) => n.command)).toEqual(['git pull --rebase', 'git status']);
  });

  it('learns from commands like it, carrying the argument over', async () => {
    session('a', [['apt install htop', 100], ['sudo apt install htop', 0]]);
    session('b', [['apt install vim', 100]]);
    expect((await last([], { MEM_SESSION: 'b' })).next[0]).toMatchObject({ command: 'sudo apt install vim', exact: false, count: 1 });
    expect(alike('git commit -m "a"', 'git commit -m "fix it"')!('git commit -m "a" --no-verify')).toBe('git commit -m "fix it" --no-verify');
    expect(alike('apt install htop', 'pip install htop')).toBeNull();
    expect(alike('cd projcet', 'cd scirpts')!('cd project')).toBeNull(); // a correction of that word: not carried
  });

  it('learns only from failures before the one asked about, and only from what worked next', async () => {
    session('a', [['npm test', 1], ['npm ci', 1], ['npm test', 1], ['npm ci', 0]]);
    const r = await last([], { MEM_SESSION: 'a' });
    // The last failure is the second `npm test`: the one before it was followed by a failing `npm ci`.
    expect(r.failed!.command).toBe('npm test');
    expect(r.next).toEqual([]);
    expect(r.empty).toMatch(/^nothing learned yet about `npm test` failing/);
  });

  it('takes this session ($MEM_SESSION), else the latest; the user\'s own failures, newest first', async () => {
    session('a', [['cargo build', 101], ['cargo update', 0], ['cargo build', 0]]);
    session('b', [['cargo build', 101]]);
    session('c', [['ls', 0], ['make', 2]]);
    expect((await last()).failed!.command).toBe('make');
    expect((await last([], { MEM_SESSION: 'b' })).next[0]!.command).toBe('cargo update');
    expect((await last(['--session', 'b'])).failed!.command).toBe('cargo build');
  });

  it('names the memories about the failing command, and says why when there is nothing', async () => {
    expect((await last()).empty).toMatch(/^no commands recorded yet/);
    session('a', [['ls', 0]]);
    expect((await last()).empty).toBe('no failed command in the latest session');
    expect((await last([], { MEM_SESSION: 'a' })).empty).toBe("no failed command in session 'a'");
    session('b', [['terraform apply', 1]]);
    const added = await mem(['add', '--kind', 'error', '--title', 'terraform apply fails: state lock', 'terraform apply failed with a state lock: run terraform force-unlock with the lock id']);
    expect(added.code, added.err).toBe(0);
    const r = await last();
    expect(r.memories.map((m) => m.kind)).toEqual(['error']);
    expect(r.empty).toBeNull();
    const text = (await mem(['fix', 'last'])).out;
    expect(text).toMatch(/^last failure: terraform apply {2}exit 1/);
    expect(text).toContain('memories:');
  });

  it('bad flags are usage errors', async () => {
    for (const args of [['--limit', '0'], ['--id', 'x']]) expect((await mem(['fix', 'last', ...args])).code, args.join(' ')).toBe(2);
  });
});
