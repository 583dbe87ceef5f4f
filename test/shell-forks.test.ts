// The hook path forks nothing: a real interactive shell in tmux, started under strace, runs 50
// builtin commands between two markers; every process the shell creates in that window is counted
// (threads are not processes: fish runs some work, e.g. highlighting, in threads).
// The ingester is alive (its lock holds a live pid), as it is while a user works, so the hook has no
// reason to start one.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from './helpers.js';
import { alive, ensureDir, missingTools, outputLines, shellCommand, shellEnv, spooled, stopIngester, Tmux, until, writeRcFiles } from './shell-support.js';

const missing = missingTools(['bash', 'zsh', 'fish', 'tmux', 'strace']);

let box: Sandbox;
let tmux: Tmux | undefined;
let sleeper: number | undefined;
beforeEach(() => {
  box = sandbox();
});
afterEach(async () => {
  tmux?.kill();
  tmux = undefined;
  if (sleeper && alive(sleeper)) process.kill(sleeper, 'SIGKILL');
  await stopIngester(box);
  box.cleanup();
});

/**
 * Processes the shell creates (fork, vfork, clone without CLONE_THREAD), and processes those
 * create, between the exec of the `start` marker and the exec of the `end` marker, in an
 * `strace -f` log whose first line is the shell's. Work a process started before the window keeps
 * doing is not counted (fish's first start sets off a background completions generator).
 */
export function forksBetween(log: string, start: string, end: string): string[] {
  const lines = log.split('\n');
  const shell = lines[0]!.split(/\s+/)[0]!;
  const from = lines.findIndex((l) => l.includes('execve(') && l.includes(`"${start}"`));
  const to = lines.findIndex((l) => l.includes('execve(') && l.includes(`"${end}"`));
  if (from < 0 || to < 0) throw new Error(`markers not found in the strace log (${from}, ${to})`);
  const ours = new Set([shell]);
  const forks: string[] = [];
  // strace splits a call that another process interrupts: `pid clone(flags... <unfinished ...>`,
  // later `pid <... clone resumed>...) = child`. The flags are on the first part.
  const unfinished = new Map<string, string>();
  for (const l of lines.slice(from + 1, to)) {
    const call = /^(\d+)\s+(v?fork|clone3?)\(/.exec(l);
    if (call && l.endsWith('<unfinished ...>')) {
      unfinished.set(call[1]!, l);
      continue;
    }
    const resumed = /^(\d+)\s+<\.\.\. (?:v?fork|clone3?) resumed>.*=\s+(\d+)$/.exec(l);
    const done = /^(\d+)\s+(?:v?fork|clone3?)\(.*=\s+(\d+)$/.exec(l);
    const m = resumed ?? done;
    if (!m) continue;
    const whole = resumed ? `${unfinished.get(m[1]!) ?? ''} ${l}` : l;
    if (whole.includes('CLONE_THREAD') || !ours.has(m[1]!)) continue;
    ours.add(m[2]!);
    forks.push(whole);
  }
  return forks;
}

describe.skipIf(missing.length > 0)('forks per command', () => {
  it.each(['bash', 'zsh', 'fish'] as const)('%s: 50 commands fork nothing but the end marker itself', async (shell) => {
    const rc = writeRcFiles(box, 'install');
    // A live process holds the ingester lock: the hook sees a running ingester and starts none.
    const s = spawn('sleep', ['600'], { stdio: 'ignore' });
    sleeper = s.pid!;
    writeFileSync(join(ensureDir(box.env.MEM_HOME!), 'ingest.lock'), `${sleeper}\n`);
    const log = join(box.dir, 'strace.log');
    tmux = new Tmux();
    const w = tmux.start(['strace', '-f', '-qq', '-o', log, '-e', 'trace=clone,clone3,fork,vfork,execve', ...shellCommand(shell, rc)], shellEnv(box), box.dir);
    await until('a prompt', () => tmux!.capture(w).split('\n').some((l) => l.startsWith('mt1>')), 30_000, 50);
    tmux.type(w, '/bin/echo fork-start');
    await until('the start marker', () => outputLines(tmux!.capture(w), 'fork-start') === 1, 30_000, 20);
    tmux.typeLines(w, Array.from({ length: 50 }, (_, i) => `: builtin-${i + 1}`));
    tmux.type(w, '/bin/echo fork-end');
    await until('the end marker', () => outputLines(tmux!.capture(w), 'fork-end') === 1, 30_000, 20);
    // The hooks really ran for every command.
    await until('50 records in the spool', () => spooled(box).filter((r) => r.command.startsWith(': builtin-')).length === 50, 5000, 50);
    const forks = forksBetween(readFileSync(log, 'utf8'), 'fork-start', 'fork-end');
    // One: the shell forking to run /bin/echo fork-end.
    expect(forks, forks.join('\n')).toHaveLength(1);
  });
});
