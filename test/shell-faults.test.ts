// Shell capture under stress and faults: many shells at once, an ingester killed mid-batch, a
// store locked by another process, and a store that cannot be opened at all. In every case the
// shell stays fast and every command lands in the store exactly once.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, sandbox, type Sandbox } from './helpers.js';
import {
  alive,
  holdWriteLock,
  ensureDir,
  history,
  missingTools,
  NODE,
  outputLines,
  shellCommand,
  shellEnv,
  sleep,
  spooled,
  spoolLine,
  stopIngester,
  Tmux,
  until,
  writeRcFiles,
  type HistoryRow,
} from './shell-support.js';

const missing = missingTools(['bash', 'zsh', 'tmux']);

let box: Sandbox;
let tmux: Tmux | undefined;
const children: number[] = [];
beforeEach(() => {
  box = sandbox();
});
afterEach(async () => {
  tmux?.kill();
  tmux = undefined;
  for (const pid of children.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await stopIngester(box);
  box.cleanup();
});

/** Read-only look at the store (never takes a write lock). */
function query<T>(sql: string): T {
  const db = new Database(box.db, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).get() as T;
  } finally {
    db.close();
  }
}

async function prompt(t: Tmux, target: string): Promise<void> {
  await until(`a prompt in ${target}`, () => t.capture(target).split('\n').some((l) => l.startsWith('mt1>')), 15_000, 50);
}

/** Types a command that prints `marker` and returns how long until the output shows (ms). */
async function timed(t: Tmux, target: string, command: string, marker: string): Promise<number> {
  const before = outputLines(t.capture(target), marker);
  const start = performance.now();
  t.type(target, command);
  await until(`${marker} in ${target}`, () => outputLines(t.capture(target), marker) > before, 10_000, 10);
  return performance.now() - start;
}

describe.skipIf(missing.length > 0)('many shells at once', () => {
  it('8 interactive shells x 200 commands: every command lands exactly once, one session each', async () => {
    const SHELLS = 8;
    const N = 200;
    const BATCH = 50;
    const rc = writeRcFiles(box);
    tmux = new Tmux();
    const kinds = Array.from({ length: SHELLS }, (_, k) => (k % 2 ? 'zsh' : 'bash'));
    const windows = kinds.map((kind) => tmux!.start(shellCommand(kind, rc), shellEnv(box), box.dir));
    for (const w of windows) await prompt(tmux, w);
    // Pasted in batches (each line ends in a newline = Enter), every shell typing at once.
    for (let from = 1; from <= N; from += BATCH) {
      windows.forEach((w, k) => tmux!.typeLines(w, Array.from({ length: BATCH }, (_, j) => `echo s${k}-${from + j}`)));
      const last = from + BATCH - 1;
      await until(`batch ending at ${last} to run in every shell`, () => windows.every((w, k) => outputLines(tmux!.capture(w), `s${k}-${last}`) === 1), 30_000, 100);
    }
    const ours = (rows: HistoryRow[]) => rows.filter((r) => /^echo s\d+-\d+$/.test(r.command));
    const rows = await until('all commands in mem history', () => {
      const h = ours(history(box));
      return h.length >= SHELLS * N && h;
    }, 20_000, 250);
    expect(rows).toHaveLength(SHELLS * N);
    expect(new Set(rows.map((r) => r.command)).size).toBe(SHELLS * N);
    const sessions = new Map<string, typeof rows>();
    for (const r of rows) sessions.set(r.session!, [...(sessions.get(r.session!) ?? []), r]);
    expect(sessions.size).toBe(SHELLS);
    const seen = new Set<number>();
    for (const [, list] of sessions) {
      expect(list).toHaveLength(N);
      const k = Number(/^echo s(\d+)-/.exec(list[0]!.command)![1]);
      seen.add(k);
      // One shell's commands, all of them, in the order typed (newest last), with its shell name.
      expect(list.map((r) => r.command)).toEqual(Array.from({ length: N }, (_, i) => `echo s${k}-${i + 1}`));
      expect(new Set(list.map((r) => r.shell))).toEqual(new Set([kinds[k]]));
      expect(list.every((r) => r.exit_code === 0 && r.cwd === box.dir)).toBe(true);
    }
    expect(seen.size).toBe(SHELLS);
    // The aggregates saw each command once too.
    expect(query<{ n: number }>('SELECT SUM(count) AS n FROM command_daily').n).toBe(query<{ n: number }>('SELECT COUNT(*) AS n FROM commands').n);
  });
});

describe('the background ingester', () => {
  it('ingests a new record at once, stays quiet while idle, and leaves after its linger time', async () => {
    const spool = ensureDir(join(box.env.MEM_HOME!, 'spool'));
    const child = spawn(NODE, [BIN, '__ingest', '--daemon'], { env: { ...box.env, MEM_HISTORY_DAEMON_LINGER_S: '2' }, cwd: box.dir, stdio: 'ignore' });
    children.push(child.pid!);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const lock = join(box.env.MEM_HOME!, 'ingest.lock');
    const status = join(spool, 'ingest.status.json');
    await until('the daemon to take the lock', () => readFileSync(lock, 'utf8').trim() === String(child.pid), 10_000, 20);

    const start = Date.now();
    writeFileSync(join(spool, 'd1.spool'), spoolLine({ session: 'd1', seq: 1, startUs: Date.now() * 1000, cwd: '/w', command: 'echo picked-up' }));
    await until('the record in the store', () => query<{ n: number }>("SELECT COUNT(*) AS n FROM commands WHERE command = 'echo picked-up'").n === 1, 5000, 10);
    expect(Date.now() - start).toBeLessThan(1000);

    // Idle: it polls about once a second, it does not spin (its own status writes are no news).
    // (The status is written just after the rows commit: wait for it rather than race it.)
    await until('the status file', () => existsSync(status), 2000, 10);
    const mtimes = new Set<number>();
    for (const end = Date.now() + 1500; Date.now() < end; await sleep(10)) mtimes.add(statSync(status).mtimeMs);
    expect(mtimes.size).toBeLessThanOrEqual(3);

    expect(await exited).toBe(0);
    expect(Date.now() - start).toBeLessThan(8000);
    expect(() => readFileSync(lock)).toThrow(); // released
  });
});

describe('ingester killed mid-batch', () => {
  const N = 100_000;

  /** One big spool file of N valid records; returns its size. */
  function bigSpool(): number {
    const dir = ensureDir(join(box.env.MEM_HOME!, 'spool'));
    const base = Date.now() * 1000 - N * 1000;
    const lines: string[] = [];
    for (let i = 1; i <= N; i++) {
      lines.push(spoolLine({ session: 'kill-test', seq: i, startUs: base + i * 1000, exit: i % 7 ? 0 : 1, cwd: '/work dir', command: `git commit -m "change ${i}" --amend` }));
    }
    const file = join(dir, 'kill-test.spool');
    writeFileSync(file, lines.join(''));
    return statSync(file).size;
  }

  /** Starts `mem __ingest [args]` and SIGKILLs it shortly after its first batch is committed. */
  async function killMidway(args: string[]): Promise<number> {
    const child = spawn(NODE, [BIN, '__ingest', ...args], { env: box.env, cwd: box.dir, stdio: 'ignore' });
    children.push(child.pid!);
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
    await until('the first batch to be committed', () => {
      try {
        return query<{ n: number }>('SELECT COUNT(*) AS n FROM commands').n > 0;
      } catch {
        return false; // the store is not created yet
      }
    }, 30_000, 5);
    await sleep(100); // into the next batch's work
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const committed = query<{ n: number }>('SELECT COUNT(*) AS n FROM commands').n;
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(N); // it really died half-way
    return committed;
  }

  function expectExactlyOnce(size: number): void {
    expect(query<{ n: number; u: number }>('SELECT COUNT(*) AS n, COUNT(DISTINCT uid) AS u FROM commands')).toEqual({ n: N, u: N });
    expect(query<{ n: number }>("SELECT COUNT(*) AS n FROM commands WHERE command = 'git commit -m \"change 1\" --amend' OR command = 'git commit -m \"change 100000\" --amend'").n).toBe(2);
    expect(query<{ n: number }>('SELECT SUM(count) AS n FROM command_daily').n).toBe(N);
    expect(query<{ n: number }>("SELECT count AS n FROM command_name_counts WHERE name = 'git' AND subcommand = 'commit'").n).toBe(N);
    expect(query<{ offset: number }>("SELECT offset FROM spool_progress WHERE file = 'kill-test.spool'").offset).toBe(size);
  }

  it('mem __ingest: SIGKILL after the first batch, then again: all rows once, aggregates right', async () => {
    const size = bigSpool();
    const committed = await killMidway([]);
    const r = box.mem(['__ingest', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ added: N - committed, malformed: 0 });
    expectExactlyOnce(size);
    expect(box.mem(['__ingest', '--json']).json()).toMatchObject({ added: 0, read: 0 });
  });

  it('mem __ingest --daemon: SIGKILL leaves a stale lock, the next reader takes over and finishes', async () => {
    const size = bigSpool();
    await killMidway(['--daemon']);
    const lock = join(box.env.MEM_HOME!, 'ingest.lock');
    expect(Number(readFileSync(lock, 'utf8').trim())).toBeGreaterThan(0); // left behind by the dead daemon
    const doctor = box.mem(['doctor', '--json']);
    expect(doctor.json().checks.find((c: { name: string }) => c.name === 'ingester')).toMatchObject({ status: 'warn', detail: expect.stringContaining('stale lock') });
    const h = box.mem(['history', '--json', '--limit', '5']);
    expect(h.code, h.stderr).toBe(0);
    expect(h.json().commands.map((c: { command: string }) => c.command).at(-1)).toBe('git commit -m "change 100000" --amend');
    expectExactlyOnce(size);
  });
});

describe.skipIf(missing.length > 0)('store faults while shells run', () => {
  it('a write lock held for 10 s: prompts stay fast, the records land after it is released', async () => {
    const rc = writeRcFiles(box);
    tmux = new Tmux();
    const windows = (['bash', 'zsh'] as const).map((kind) => tmux!.start(shellCommand(kind, rc), shellEnv(box), box.dir));
    for (const w of windows) await prompt(tmux, w);
    for (const w of windows) await timed(tmux, w, "printf 'warm-%s\\n' up", 'warm-up'); // the ingester is running now
    // The store exists (with its tables) before the locker opens it: opening a missing file would create it empty.
    await until('the warm-up commands in the store', () => history(box).filter((r) => r.command.startsWith('printf')).length === 2, 15_000, 100);

    const lock = await holdWriteLock(box, 10000, children);
    const lockedAt = Date.now();

    const latencies: number[] = [];
    for (let i = 1; i <= 4; i++) {
      for (const [k, w] of windows.entries()) {
        latencies.push(await timed(tmux, w, `printf 'locked-%s\\n' ${k}-${i}`, `locked-${k}-${i}`));
        await sleep(250);
      }
    }
    expect(Date.now() - lockedAt).toBeLessThan(10_000); // all typed while the lock was held
    for (const ms of latencies) expect(ms).toBeLessThan(1000);
    // Still locked: the records wait in the spool, none is in the store yet.
    expect(lock.output()).not.toContain('released');
    const typed = windows.flatMap((_, k) => [1, 2, 3, 4].map((i) => `printf 'locked-%s\\n' ${k}-${i}`));
    expect(spooled(box).filter((r) => typed.includes(r.command))).toHaveLength(typed.length);
    expect(query<{ n: number }>("SELECT COUNT(*) AS n FROM commands WHERE command LIKE 'printf ''locked-%'").n).toBe(0);

    await lock.released;
    expect(lock.output()).toContain('released');
    const rows = await until('the locked-out records in mem history', () => {
      const h = history(box).filter((r) => typed.includes(r.command));
      return h.length === typed.length && h;
    }, 15_000, 250);
    expect(new Set(rows.map((r) => r.command)).size).toBe(typed.length);
    expect(rows.every((r) => r.exit_code === 0)).toBe(true);
  });

  it('a store that cannot be opened (mem.db is a directory): the shell works, records wait, doctor says why, nothing is lost', async () => {
    // Even root cannot open a directory as the database file.
    const dbDir = join(box.env.MEM_HOME!, 'mem.db');
    mkdirSync(dbDir, { recursive: true });
    const rc = writeRcFiles(box);
    tmux = new Tmux();
    const w = tmux.start(shellCommand('zsh', rc), shellEnv(box), box.dir);
    await prompt(tmux, w);
    const latencies = [
      await timed(tmux, w, "printf 'stuck-%s\\n' 1", 'stuck-1'),
      await timed(tmux, w, 'ls /nonexistent 2>/dev/null || echo "ls-code=$?"', 'ls-code=2'),
      await timed(tmux, w, "printf 'stuck-%s\\n' 2", 'stuck-2'),
    ];
    tmux.type(w, 'false');
    latencies.push(await timed(tmux, w, 'echo "prev=$?"', 'prev=1')); // exit codes as usual
    for (const ms of latencies) expect(ms).toBeLessThan(1000);
    const typed = ["printf 'stuck-%s\\n' 1", 'ls /nonexistent 2>/dev/null || echo "ls-code=$?"', "printf 'stuck-%s\\n' 2", 'false', 'echo "prev=$?"'];
    // The records wait in the spool...
    await until('the records in the spool', () => typed.every((c) => spooled(box).some((r) => r.command === c)), 5000, 50);
    // ...and the ingester the hook started has failed and said so.
    const statusFile = join(box.env.MEM_HOME!, 'spool', 'ingest.status.json');
    const status = await until('a failed ingest status', () => {
      const s = JSON.parse(readFileSync(statusFile, 'utf8'));
      return s.ok === false && s;
    }, 10_000, 100);
    expect(status.error).toContain(dbDir);

    const doctor = box.mem(['doctor', '--json']);
    expect(doctor.code).toBe(1);
    const checks = doctor.json().checks as { name: string; status: string; detail: string }[];
    const check = (name: string) => checks.find((c) => c.name === name);
    expect(check('store')).toMatchObject({ status: 'fail', detail: expect.stringContaining(dbDir) });
    expect(check('last ingest')).toMatchObject({ status: 'fail', detail: expect.stringContaining('records wait in the spool') });
    expect(Number(/^(\d+) bytes/.exec(check('spool backlog')!.detail)![1])).toBeGreaterThan(0);
    const human = box.mem(['doctor']);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/✗ store .*mem\.db/);
    const broken = box.mem(['history']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^mem: .*mem\.db.*\n$/);

    // Fixed: every record arrives, once, with its exit code.
    rmdirSync(dbDir);
    const rows = await until('the records in mem history', () => {
      const h = history(box).filter((r) => typed.includes(r.command));
      return h.length === typed.length && h;
    }, 10_000, 200);
    expect(rows.map((r) => r.command)).toEqual(typed);
    expect(rows.map((r) => r.exit_code)).toEqual([0, 0, 0, 1, 0]);
    expect(box.mem(['doctor', '--json']).json().checks.find((c: { name: string }) => c.name === 'store')).toBeUndefined();
  });
});
