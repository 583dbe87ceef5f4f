// The fish hooks (shell-hooks/mem.fish and what `mem init fish` prints): syntax, silence when not
// interactive, and real interactive fish in tmux: what lands in the store, privacy, $status kept,
// four shells at once, and a locked or broken store never disturbing the prompt.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, sandbox, type Sandbox } from './helpers.js';
import { alive, ensureDir, history, holdWriteLock, missingTools, outputLines, shellCommand, shellEnv, sleep, spooled, stopIngester, Tmux, until, writeRcFiles, type HistoryRow } from './shell-support.js';

const missing = missingTools(['fish', 'tmux']);

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

const TOKEN = 'ghp_' + 'aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6';

async function prompt(t: Tmux, target: string, level = 1, times = 1): Promise<void> {
  await until(`prompt mt${level}> (x${times})`, () => t.capture(target).split('\n').filter((l) => l.startsWith(`mt${level}> `) || l === `mt${level}>`).length >= times, 15_000, 50);
}

/** Types a command that prints `marker` and returns how long until the output shows (ms). */
async function timed(t: Tmux, target: string, command: string, marker: string): Promise<number> {
  const before = outputLines(t.capture(target), marker);
  const start = performance.now();
  t.type(target, command);
  await until(`${marker} in ${target}`, () => outputLines(t.capture(target), marker) > before, 10_000, 10);
  return performance.now() - start;
}

/** Lines fish itself would print about a problem (warnings, errors, job notices). */
const complaints = (capture: string) => capture.split('\n').filter((l) => /warning|error|fish:|unknown command|Missing argument|Job \d/i.test(l));

describe.skipIf(missing.length > 0)('the fish script', () => {
  it('passes fish --no-execute, raw and as mem init prints it (settings filled in, keys as escapes)', () => {
    const raw = spawnSync('fish', ['--no-execute', join(ROOT, 'shell-hooks', 'mem.fish')], { encoding: 'utf8' });
    expect(raw.stdout + raw.stderr).toBe('');
    expect(raw.status).toBe(0);
    const printed = box.mem(['init', 'fish']);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain(`set -g __mem_bin '`);
    expect(printed.stdout).toContain('set -g __mem_key_predict \\cx\\cp\n');
    expect(printed.stdout).not.toContain('@MEM_SETTINGS@');
    const file = join(box.dir, 'init.fish');
    writeFileSync(file, printed.stdout);
    const r = spawnSync('fish', ['--no-execute', file], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('a key setting cannot inject commands into the script', () => {
    expect(box.mem(['config', 'set', 'keybindings.predict', "\\ep'; echo pwned; '"]).code).toBe(0);
    const file = join(box.dir, 'init.fish');
    writeFileSync(file, box.mem(['init', 'fish']).stdout);
    const r = spawnSync('fish', ['--no-config', '-c', `source ${file}; echo loaded`], { encoding: 'utf8', env: shellEnv(box) });
    expect(r.stdout).toBe('loaded\n');
  });

  it.each(['raw', 'init'] as const)('%s: returns silently when not interactive, and defines nothing', (variant) => {
    // mem init creates the data directories: print the script from another sandbox.
    const other = sandbox();
    const file = variant === 'raw' ? join(ROOT, 'shell-hooks', 'mem.fish') : join(box.dir, 'init.fish');
    if (variant === 'init') writeFileSync(file, other.mem(['init', 'fish']).stdout);
    other.cleanup();
    const r = spawnSync('fish', ['--no-config', '-c', 'source $argv[1]; echo "rc=$status"; functions -q __mem_postexec; or echo no-hook; set -q MEM_SESSION; or echo no-session; echo done', file], {
      encoding: 'utf8',
      env: shellEnv(box),
      cwd: box.dir,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('rc=0\nno-hook\nno-session\ndone\n');
    expect(existsSync(join(box.env.MEM_HOME!, 'spool'))).toBe(false);
  });
});

describe.skipIf(missing.length > 0)('interactive fish in tmux', () => {
  it.each(['eval', 'install'] as const)('%s: records what ran, where it started, how it ended and how long it took; keeps $status', async (mode) => {
    const started = Date.now();
    const rc = writeRcFiles(box, mode);
    const start = ensureDir(join(box.dir, 'start'));
    const work = ensureDir(join(box.dir, 'work dir'));
    tmux = new Tmux();
    const w = tmux.start(shellCommand('fish', rc), shellEnv(box), start);
    await prompt(tmux, w);
    tmux.type(w, 'echo first-fish');
    tmux.type(w, 'false');
    tmux.type(w, 'echo "after-false=$status"');
    tmux.type(w, 'false | true');
    tmux.type(w, 'echo "pipestatus=$pipestatus"');
    tmux.type(w, 'ls /nonexistent');
    tmux.type(w, 'echo "multi');
    tmux.type(w, 'line \\\\ back"');
    tmux.type(w, ' echo private-command');
    tmux.type(w, `set -x GITHUB_TOKEN ${TOKEN}`);
    tmux.type(w, `cd '${work}'`);
    tmux.type(w, 'sleep 0.3');
    tmux.type(w, 'fish -i');
    await prompt(tmux, w, 2);
    tmux.type(w, 'echo in-nested');
    tmux.type(w, 'exit');
    tmux.type(w, 'echo back-outer');
    const rows = await until('the commands in mem history', () => {
      const h = history(box);
      return h.some((r) => r.command === 'echo back-outer') && h.some((r) => r.command === 'echo in-nested') && h;
    });
    const screen = tmux.capture(w);
    expect(outputLines(screen, 'after-false=1')).toBe(1);
    expect(outputLines(screen, 'pipestatus=1 0')).toBe(1);
    expect(complaints(screen)).toEqual([]);

    const first = rows.find((r) => r.command === 'echo first-fish')!;
    const outer = rows.filter((r) => r.session === first.session);
    const inner = rows.filter((r) => r.session !== first.session);
    expect(outer.map((r) => r.command)).toEqual([
      'echo first-fish',
      'false',
      'echo "after-false=$status"',
      'false | true',
      'echo "pipestatus=$pipestatus"',
      'ls /nonexistent',
      'echo "multi\nline \\\\ back"',
      'set -x GITHUB_TOKEN [REDACTED:github_token]',
      `cd '${work}'`,
      'sleep 0.3',
      'fish -i',
      'echo back-outer',
    ]);
    // fish runs `exit` as a command (its postexec fires): the nested session has both.
    expect(inner.map((r) => r.command)).toEqual(['echo in-nested', 'exit']);
    expect(inner[0]!.cwd).toBe(work);
    expect(JSON.stringify(rows)).not.toContain(TOKEN.slice(4));
    const by = (c: string) => outer.find((r) => r.command === c)!;
    for (const r of rows) {
      // fish sets $USER from the uid itself, whatever the environment says.
      expect(r).toMatchObject({ shell: 'fish', user: userInfo().username, source: 'hook' });
      const ts = Date.parse(r.timestamp);
      // Whole seconds (fish has no finer clock without a fork).
      expect(ts % 1000).toBe(0);
      expect(ts).toBeGreaterThanOrEqual(started - 1000);
      expect(ts).toBeLessThanOrEqual(Date.now());
      expect(r.duration_ms).toBeGreaterThanOrEqual(0);
    }
    for (const c of ['echo first-fish', 'false', 'ls /nonexistent', `cd '${work}'`]) expect(by(c).cwd).toBe(start);
    for (const c of ['sleep 0.3', 'fish -i', 'echo back-outer']) expect(by(c).cwd).toBe(work);
    expect(by('false').exit_code).toBe(1);
    expect(by('false | true').exit_code).toBe(0);
    expect(by('ls /nonexistent').exit_code).toBeGreaterThan(0);
    expect(by('echo first-fish').exit_code).toBe(0);
    expect(by('sleep 0.3').duration_ms).toBeGreaterThanOrEqual(250);
    expect(by('sleep 0.3').duration_ms).toBeLessThan(5000);
    const times = outer.map((r) => Date.parse(r.timestamp));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('4 fish shells x 100 commands at once: every command lands exactly once, one session each', async () => {
    const SHELLS = 4;
    const N = 100;
    const rc = writeRcFiles(box, 'install');
    tmux = new Tmux();
    const windows = Array.from({ length: SHELLS }, () => tmux!.start(shellCommand('fish', rc), shellEnv(box), box.dir));
    for (const w of windows) await prompt(tmux, w);
    for (let from = 1; from <= N; from += 25) {
      windows.forEach((w, k) => tmux!.typeLines(w, Array.from({ length: 25 }, (_, j) => `echo f${k}-${from + j}`)));
      const last = from + 24;
      await until(`batch ending at ${last}`, () => windows.every((w, k) => outputLines(tmux!.capture(w), `f${k}-${last}`) === 1), 30_000, 100);
    }
    const ours = (rows: HistoryRow[]) => rows.filter((r) => /^echo f\d+-\d+$/.test(r.command));
    const rows = await until('all commands in mem history', () => {
      const h = ours(history(box));
      return h.length >= SHELLS * N && h;
    }, 20_000, 250);
    expect(rows).toHaveLength(SHELLS * N);
    const sessions = new Map<string, string[]>();
    for (const r of rows) sessions.set(r.session!, [...(sessions.get(r.session!) ?? []), r.command]);
    expect(sessions.size).toBe(SHELLS);
    for (const list of sessions.values()) {
      const k = Number(/^echo f(\d+)-/.exec(list[0]!)![1]);
      expect(list).toEqual(Array.from({ length: N }, (_, i) => `echo f${k}-${i + 1}`));
    }
    for (const w of windows) expect(complaints(tmux.capture(w))).toEqual([]);
  });

  it('a write lock held for 8 s: prompts stay fast, the records land after it is released', async () => {
    const rc = writeRcFiles(box, 'install');
    tmux = new Tmux();
    const w = tmux.start(shellCommand('fish', rc), shellEnv(box), box.dir);
    await prompt(tmux, w);
    await timed(tmux, w, "printf 'warm-%s\\n' up", 'warm-up');
    // The store exists (with its tables) before the locker opens it: opening a missing file would create it empty.
    await until('the warm-up command in the store', () => history(box).some((r) => r.command.startsWith('printf')), 15_000, 100);
    const lock = await holdWriteLock(box, 8000, children);
    const typed: string[] = [];
    const latencies: number[] = [];
    for (let i = 1; i <= 5; i++) {
      typed.push(`printf 'locked-%s\\n' ${i}`);
      latencies.push(await timed(tmux, w, typed.at(-1)!, `locked-${i}`));
      await sleep(200);
    }
    for (const ms of latencies) expect(ms).toBeLessThan(1000);
    expect(lock.output()).not.toContain('released');
    expect(spooled(box).filter((r) => typed.includes(r.command))).toHaveLength(typed.length);
    await lock.released;
    const rows = await until('the records in mem history', () => {
      const h = history(box).filter((r) => typed.includes(r.command));
      return h.length === typed.length && h;
    }, 15_000, 250);
    expect(rows.map((r) => r.command)).toEqual(typed);
    expect(complaints(tmux.capture(w))).toEqual([]);
  });

  it('a store that cannot be opened: the shell works, $status as usual, records wait, then arrive', async () => {
    const dbDir = join(box.env.MEM_HOME!, 'mem.db');
    mkdirSync(dbDir, { recursive: true });
    const rc = writeRcFiles(box, 'install');
    tmux = new Tmux();
    const w = tmux.start(shellCommand('fish', rc), shellEnv(box), box.dir);
    await prompt(tmux, w);
    const latencies = [await timed(tmux, w, "printf 'stuck-%s\\n' 1", 'stuck-1')];
    tmux.type(w, 'false');
    latencies.push(await timed(tmux, w, 'echo "prev=$status"', 'prev=1'));
    for (const ms of latencies) expect(ms).toBeLessThan(1000);
    const typed = ["printf 'stuck-%s\\n' 1", 'false', 'echo "prev=$status"'];
    await until('the records in the spool', () => typed.every((c) => spooled(box).some((r) => r.command === c)), 5000, 50);
    const statusFile = join(box.env.MEM_HOME!, 'spool', 'ingest.status.json');
    await until('a failed ingest status', () => JSON.parse(readFileSync(statusFile, 'utf8')).ok === false, 10_000, 100);
    rmdirSync(dbDir);
    const rows = await until('the records in mem history', () => {
      const h = history(box).filter((r) => typed.includes(r.command));
      return h.length === typed.length && h;
    }, 10_000, 200);
    expect(rows.map((r) => r.exit_code)).toEqual([0, 1, 0]);
    expect(complaints(tmux.capture(w))).toEqual([]);
    // Read-only look: nothing twice.
    const db = new Database(box.db, { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT uid) AS u FROM commands').get()).toEqual({ n: 3, u: 3 });
    } finally {
      db.close();
    }
  });
});
