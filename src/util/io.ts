import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { parseJson } from './json.js';

/**
 * Reads a named file, or stdin for '-'. A missing or unreadable file is a usage error. Stdin is
 * read as a stream: a slow or non-blocking pipe (`(sleep 1; cat x) | mem ...`) is waited for,
 * where a synchronous read of fd 0 fails with EAGAIN.
 */
export async function readInput(file: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  try {
    if (file !== '-') return readFileSync(file, 'utf8');
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return Buffer.concat(chunks).toString('utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message;
    throw new UsageError(`cannot read ${file === '-' ? 'stdin' : file}: ${why}`);
  }
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
