// The CLI's stdout and stderr, written with write(2) rather than through process.stdout and
// process.stderr. Those streams cost ~6 ms to build on every command (a pipe's brings net and
// stream, a terminal's tty and net), for output that is one line or one JSON object; written
// directly it is also whole when the command returns, whatever the other end is.
// The streams are still there for what needs one (ora's spinner, readline's prompts, the servers):
// main flushes every stream that was built before it exits.
import { isatty } from 'node:tty';
import { nodeBinding } from '../util/binding.js';
import { writeAll } from '../util/io.js';

/** What a CLI command's terminal reads and writes; tests run the CLI in-process with their own. */
export interface Stdio {
  env: NodeJS.ProcessEnv;
  /** Whether fd 0, 1 or 2 is a terminal. */
  isTerminal: (fd: 0 | 1 | 2) => boolean;
  /** The columns of the terminal stdout is, when it is one. */
  columns: () => number | undefined;
  /** Writes to stdout. */
  out: (text: string) => void;
  /** Writes to stderr. */
  err: (text: string) => void;
  /** stderr as a stream, for what needs one (a spinner). */
  errStream: () => NodeJS.WriteStream;
}

/**
 * isatty(3), without node:tty: that module loads net (~5 ms) to be able to make terminal streams,
 * which most commands never need. Node's tty binding answers the question (what tty.isatty calls).
 */
function isTerminal(fd: number): boolean {
  const isTTY = nodeBinding('tty_wrap')?.isTTY;
  return typeof isTTY === 'function' ? Boolean((isTTY as (fd: number) => boolean)(fd)) : isatty(fd);
}

let failure: NodeJS.ErrnoException | null = null;

/**
 * The first error writing stdout, other than a closed pipe (a full disk, /dev/full, EIO): the
 * output is incomplete, which main reports. Nothing more is written to stdout after it.
 */
export const outputFailure = (): NodeJS.ErrnoException | null => failure;

/** An error on the process.stdout stream (when something built one): as one from out(). */
export function noteStreamFailure(err: NodeJS.ErrnoException): void {
  if (err.code === 'EPIPE') process.exit(0);
  failure ??= err;
}

export const processStdio: Stdio = {
  env: process.env,
  isTerminal,
  columns: () => (isTerminal(1) ? process.stdout.columns : undefined),
  out(text) {
    if (failure) return;
    try {
      writeAll(1, text);
    } catch (err) {
      // `mem history | head -1`: a closed pipe is a normal way for a reader to stop listening.
      noteStreamFailure(err as NodeJS.ErrnoException);
    }
  },
  err(text) {
    try {
      writeAll(2, text);
    } catch {
      // Nowhere left to say it.
    }
  },
  errStream: () => process.stderr,
};
