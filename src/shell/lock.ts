// A single-instance lock as a file created with O_EXCL holding the owner's pid. A lock whose owner
// is gone (killed, crashed) or that is older than the stale limit is taken over.
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';

export interface Lock {
  release(): void;
}

const STALE_MS = 10 * 60_000;

/** Is a process with this pid running (ours to signal or not)? */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function tryLock(path: string, now = Date.now()): Lock | null {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return null;
      if (!isStale(path, now)) return null;
      rmSync(path, { force: true });
    }
  }
  return null;
}

export function lockOwner(path: string): { pid: number; alive: boolean; age_ms: number } | null {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return { pid, alive: Number.isInteger(pid) && pid > 0 && alive(pid), age_ms: Date.now() - statSync(path).mtimeMs };
  } catch {
    return null;
  }
}

function isStale(path: string, now: number): boolean {
  const owner = lockOwner(path);
  if (!owner) return true;
  return !owner.alive || now - (now - owner.age_ms) > STALE_MS;
}

/** Waits up to `ms` for the lock (synchronously: commands that read history want fresh rows). */
export function waitLock(path: string, ms: number): Lock | null {
  const until = Date.now() + ms;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const lock = tryLock(path);
    if (lock || Date.now() >= until) return lock;
    Atomics.wait(sleeper, 0, 0, 25);
  }
}
