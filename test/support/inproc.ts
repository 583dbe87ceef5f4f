// The CLI run in-process: the real command declarations, defaults and error handling, over a core
// opened on a temp store with a fixed clock. Faster than a subprocess, and the clock is ours.
import { setCliFactory } from '../../src/cli/act.js';
import { runCli } from '../../src/cli/main.js';
import type { Stdio } from '../../src/cli/stdio.js';
import { createTerm } from '../../src/cli/term.js';
import { openMem, type Mem } from '../../src/core/mem.js';

export interface InProcess {
  code: number;
  out: string;
  err: string;
  json<T = any>(): T;
}

export interface InProcessOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  now?: () => number;
}

/** Runs `mem ARGS` in this process. */
export async function memIn(o: InProcessOptions, args: string[]): Promise<InProcess> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Stdio = {
    env: o.env,
    isTerminal: () => false,
    columns: () => undefined,
    out: (s) => void out.push(s),
    err: (s) => void err.push(s),
    errStream: () => process.stderr,
  };
  const opened: Mem[] = [];
  setCliFactory((g) => {
    const mem = openMem({ env: o.env, cwd: o.cwd, db: g.db, now: o.now });
    opened.push(mem);
    return Promise.resolve({ mem, term: createTerm(Boolean(g.json), mem.world.config, io) });
  });
  try {
    process.exitCode = undefined;
    const code = await runCli(['node', 'mem', ...args], (s) => void err.push(s));
    return { code, out: out.join(''), err: err.join(''), json: () => JSON.parse(out.join('')) };
  } finally {
    process.exitCode = undefined;
    setCliFactory(null);
    for (const m of opened) m.close();
  }
}
