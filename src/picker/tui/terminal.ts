// The picker's terminal (/dev/tty): its size, read anew for every frame (an ioctl: a resized
// terminal is simply drawn at its new size), raw mode, and the keys. Not through node:tty's
// streams, whose modules (net and stream behind them) cost ~18 ms here: before the first paint
// they would delay it, after it they would delay the first key. Node's tty binding does it on a
// descriptor of its own (a TTY handle owns its descriptor, and makes it non-blocking): the size,
// raw mode, and reading, with libuv's polling as a ReadStream would (a blocking read in the thread
// pool would hold the process at exit until a key came). Where the bindings are not as expected,
// node:tty's streams do it all.
import { closeSync, openSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
import { nodeBinding } from '../../util/binding.js';

export interface Terminal {
  /** Columns and rows, or null when the terminal does not say. */
  size(): { columns: number; rows: number } | null;
  /** Raw mode on: keys come as typed, unechoed (typed before listen(), they wait for it). */
  raw(): void;
  /** `onKeys` called with each chunk of input until close() (raw mode on first). */
  listen(onKeys: (chunk: Buffer) => void, onError: (err: Error) => void): void;
  /** Raw mode off; no more input is taken. */
  close(): void;
}

interface TtyHandle {
  getWindowSize(out: number[]): number;
  setRawMode(on: boolean): number;
  readStart(): number;
  readStop(): number;
  /** Called with each read: its length (or a negative error) and offset in the stream state. */
  onread: ((data: ArrayBuffer | undefined) => void) | null;
  close(): void;
}

interface StreamState {
  streamBaseState: Int32Array;
  kReadBytesOrError: number;
  kArrayBufferOffset: number;
}

export function openTerminal(fdIn: number, fdOut: number): Terminal {
  return bindingTerminal() ?? streamTerminal(fdIn, fdOut);
}

function bindingTerminal(): Terminal | null {
  const TTY = nodeBinding('tty_wrap')?.TTY as (new (fd: number, ctx: { code?: string }) => TtyHandle) | undefined;
  const stream = nodeBinding('stream_wrap') as Partial<StreamState> | null;
  const state = stream?.streamBaseState;
  const lengthAt = stream?.kReadBytesOrError;
  const offsetAt = stream?.kArrayBufferOffset;
  if (typeof TTY !== 'function' || !(state instanceof Int32Array) || !Number.isInteger(lengthAt) || !Number.isInteger(offsetAt)) return null;
  let fd = -1;
  let handle: TtyHandle;
  try {
    fd = openSync('/dev/tty', 'r');
    const ctx: { code?: string } = {};
    handle = new TTY(fd, ctx);
    if (ctx.code !== undefined) throw new Error(ctx.code);
  } catch {
    if (fd >= 0) closeSync(fd);
    return null;
  }
  let isRaw = false;
  let closed = false;
  // Raw mode belongs to the terminal, not to a descriptor: set through this one, it is the mode
  // of every descriptor open on it.
  const raw = () => {
    if (isRaw || closed) return;
    if (handle.setRawMode(true)) throw new Error('cannot put the terminal in raw mode');
    isRaw = true;
  };
  let listening = false;
  return {
    raw,
    size() {
      const s: number[] = [];
      return !closed && handle.getWindowSize(s) === 0 && s[0]! > 0 && s[1]! > 0 ? { columns: s[0]!, rows: s[1]! } : null;
    },
    listen(onKeys, onError) {
      if (listening || closed) return;
      listening = true;
      try {
        raw();
      } catch (err) {
        return onError(err as Error);
      }
      handle.onread = (data) => {
        if (closed) return;
        const n = state[lengthAt!]!;
        if (n > 0 && data) onKeys(Buffer.from(data, state[offsetAt!], n));
        else if (n < 0) onError(new Error(`cannot read the terminal (error ${n})`));
      };
      if (handle.readStart()) onError(new Error('cannot read the terminal'));
    },
    close() {
      if (closed) return;
      closed = true;
      if (listening) handle.readStop();
      if (isRaw) handle.setRawMode(false);
      handle.close();
    },
  };
}

function streamTerminal(fdIn: number, fdOut: number): Terminal {
  const out = new WriteStream(fdOut);
  let input: ReadStream | null = null;
  const raw = () => {
    if (input) return input;
    input = new ReadStream(fdIn);
    input.setRawMode(true);
    input.pause();
    return input;
  };
  // Node asks the terminal for its size again on SIGWINCH for its own stdout and stderr only,
  // never for a stream on /dev/tty opened here: this one is refreshed by hand (lib/tty.js).
  const refresh = () => (out as unknown as { _refreshSize?: () => void })._refreshSize?.();
  return {
    size() {
      refresh();
      return out.columns > 0 && out.rows > 0 ? { columns: out.columns, rows: out.rows } : null;
    },
    raw: () => void raw(),
    listen(onKeys, onError) {
      raw().on('data', onKeys).on('error', onError).resume();
    },
    close() {
      if (input) {
        input.setRawMode(false);
        input.destroy();
      }
      out.destroy();
    },
  };
}
