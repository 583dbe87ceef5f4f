// The terminal a CLI command writes to: stdout for data, stderr for errors and progress, colour
// only on a terminal and never with NO_COLOR. Only front ends hold one; the core never sees it.
import type { Config } from '../config/config.js';
import { importPackage } from '../util/import.js';
import { processStdio, type Stdio } from './stdio.js';

export interface Progress {
  update: (done: number, total: number) => void;
  done: () => void;
}

export interface Term {
  json: boolean;
  color: boolean;
  /** stdout is an interactive terminal. */
  tty: boolean;
  /** Columns tables must fit: the terminal's, else $COLUMNS; null when unknown (a pipe). */
  width: number | null;
  stdinTty: boolean;
  out: (text: string) => void;
  outJson: (value: unknown) => void;
  /** Raw bytes to stdout (scripts, bundles), nothing added. */
  write: (chunk: string) => void;
  err: (text: string) => void;
  /** A notice for people, `mem: ...` on stderr (never with --json: the JSON carries it). */
  notice: (text: string | null | undefined) => void;
  /** A progress bar on stderr when it is a terminal and output is for people; otherwise nothing. */
  progress: (label: string) => Progress;
  /**
   * Runs `work` with a spinner on stderr when it is a terminal and output is for people (ora,
   * loaded only then); otherwise just runs it.
   */
  spin: <T>(label: string, work: () => Promise<T>) => Promise<T>;
}

export function createTerm(json: boolean, config: Config, io: Stdio = processStdio): Term {
  const env = io.env;
  const tty = io.isTerminal(1);
  const setting = config.get<string>('output.color');
  const color = setting === 'always' || (setting === 'auto' && tty && !env.NO_COLOR && env.TERM !== 'dumb');
  const cols = Number(env.COLUMNS);
  const errTty = () => !json && io.isTerminal(2);
  const err = (text: string) => io.err(text.endsWith('\n') ? text : text + '\n');
  return {
    json,
    color,
    tty,
    // A getter: a terminal's size needs its stream (~5 ms), which commands printing no table skip.
    get width() {
      const columns = tty ? io.columns() : undefined;
      return columns && columns > 0 ? columns : Number.isInteger(cols) && cols > 0 ? cols : null;
    },
    get stdinTty() {
      return io.isTerminal(0);
    },
    out: (text) => io.out(text.endsWith('\n') ? text : text + '\n'),
    outJson: (value) => io.out(JSON.stringify(value, null, 2) + '\n'),
    write: (chunk) => io.out(chunk),
    err,
    notice: (text) => {
      if (text && !json) err(`mem: ${text}`);
    },
    progress: (label) => progressBar(errTty(), label, io.err),
    async spin(label, work) {
      if (!errTty()) return work();
      const { default: ora } = await importPackage<typeof import('ora')>('ora');
      const spinner = ora({ text: label, stream: io.errStream(), color: env.NO_COLOR ? false : 'cyan' }).start();
      try {
        return await work();
      } finally {
        spinner.stop();
      }
    },
  };
}

const BLOCKS = ' ▏▎▍▌▋▊▉█';

function progressBar(enabled: boolean, label: string, write: (text: string) => void): Progress {
  if (!enabled) return { update() {}, done() {} };
  let last = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 50 && done < total) return;
      last = now;
      const cells = total > 0 ? Math.min(30, (done / total) * 30) : 0;
      const full = Math.floor(cells);
      const part = full < 30 ? (BLOCKS[Math.round((cells - full) * 8)] ?? '') : '';
      const pct = total ? `${Math.floor((done / total) * 100)}%` : '';
      write(`\r${label} ${('█'.repeat(full) + part.trim()).padEnd(30, '░')} ${pct.padStart(4)} ${done}/${total}`);
    },
    done() {
      write('\r\x1b[K');
    },
  };
}
