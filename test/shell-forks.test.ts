// The hook path forks nothing: a real interactive shell in tmux, started under strace, runs 50
// builtin commands between two markers; every process the shell creates in that window is counted.
// The ingester is alive (its lock holds a live pid), as it is while a user works, so the hook has no
// reason to start one.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from './helpers.js';
import { alive, ensureDir, missingTools, outputLines, shellCommand, shellEnv, spooled, stopIngester, Tmux, until, writeRcFiles } from './shell-support.js';

const missing = missingTools(['bash', 'zsh', 'tmux', 'strace']);

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
 * Processes created (fork, vfork, clone without CLONE_THREAD) between the exec of the `start`
 * marker and the exec of the `end` marker, in an `strace -f` log.
 */
export function forksBetween(log: string, start: string, end: string): string[] {
  const lines = log.split('\n');
  const from = lines.findIndex((l) => l.includes('execve(') && l.includes(`"${start}"`));
  const to = lines.findIndex((l) => l.includes('execve(') && l.includes(`"${end}"`));
  if (from < 0 || to < 0) throw new Error(`markers not found in the strace log (${from}, ${to})`);
  return lines.slice(from + 1, to).filter((l) => /\b(v?fork|clone3?)\(/.test(l) && !l.includes('resumed>') && !l.includes('CLONE_THREAD'));
}

describe.skipIf(missing.length > 0)('forks per command', () => {
  it.each(['bash', 'zsh'] as const)('%s: 50 commands fork nothing but the end marker itself', async (shell) => {
    const rc = writeRcFiles(box);
    // A live process holds the ingester lock: the hook sees a running ingester and starts none.
    const s = spawn('sleep', ['600'], { stdio: 'ignore' });
    sleeper = s.pid!;
    writeFileSync(join(ensureDir(box.env.MEM_HOME!), 'ingest.lock'), `${sleeper}\n`);
    const log = join(box.dir, 'strace.log');
    tmux = new Tmux();
    const w = tmux.start(['strace', '-f', '-qq', '-o', log, '-e', 'trace=clone,clone3,fork,vfork,execve', ...shellCommand(shell, rc)], shellEnv(box), box.dir);
    await until('a prompt', () => tmux!.capture(w).split('\n').some((l) => l.startsWith('mt1>')), 15_000, 50);
    tmux.type(w, '/bin/echo fork-start');
    await until('the start marker', () => outputLines(tmux!.capture(w), 'fork-start') === 1, 10_000, 20);
    tmux.typeLines(w, Array.from({ length: 50 }, (_, i) => `: builtin-${i + 1}`));
    tmux.type(w, '/bin/echo fork-end');
    await until('the end marker', () => outputLines(tmux!.capture(w), 'fork-end') === 1, 10_000, 20);
    // The hooks really ran for every command.
    await until('50 records in the spool', () => spooled(box).filter((r) => r.command.startsWith(': builtin-')).length === 50, 5000, 50);
    const forks = forksBetween(readFileSync(log, 'utf8'), 'fork-start', 'fork-end');
    // One: the shell forking to run /bin/echo fork-end.
    expect(forks, forks.join('\n')).toHaveLength(1);
  });
});
