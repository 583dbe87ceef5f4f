import { readFileSync, readSync, writeSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { parseJson } from './json.js';

/**
 * Reads a named file, or stdin for '-'. A missing or unreadable file is a usage error. A slow or
 * non-blocking pipe (`(sleep 1; cat x) | mem ...`) is waited for: read(2) answers EAGAIN there
 * until the writer writes, and is tried again after a pause.
 */
export function readInput(file: string): Promise<string> {
  try {
    return Promise.resolve(file === '-' ? readFd(0) : readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message;
    return Promise.reject(new UsageError(`cannot read ${file === '-' ? 'stdin' : file}: ${why}`));
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `text` to `fd` with write(2); a non-blocking pipe that is full (EAGAIN) is waited for. */
export function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  for (let off = 0; off < buf.length; ) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(pause, 0, 0, 2);
    }
  }
}

/**
 * All of a file descriptor, read with read(2). Not through process.stdin: building that stream
 * loads node's stream modules (~15 ms), which is most of what an agent's recall hook would wait for.
 */
function readFd(fd: number): string {
  const chunks: Buffer[] = [];
  let wait = 1;
  for (;;) {
    const buf = Buffer.allocUnsafe(64 * 1024);
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(pause, 0, 0, wait);
      wait = Math.min(wait * 2, 20);
      continue;
    }
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    wait = 1;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a whole-number option, naming the flag when it is wrong. */
export function intOption(value: unknown, flag: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const s = String(value).trim();
  if (!/^-?\d+$/.test(s)) throw new UsageError(`${flag} expects a whole number, got '${s}'`);
  const n = Number(s);
  if (n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function jsonOption(value: unknown, flag: string): unknown {
  try {
    return parseJson(String(value));
  } catch (err) {
    throw new UsageError(`${flag} is not valid JSON: ${(err as Error).message}`);
  }
}
