// The CLI run in-process: the real command declarations, defaults and error handling, over a core
// opened on a temp store with a fixed clock. Faster than a subprocess, and the clock is ours.
import { setCliFactory } from '../../src/cli/act.js';
import { runCli } from '../../src/cli/main.js';
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
  const proc = {
    env: o.env,
    stdout: { isTTY: false, write: (s: string) => out.push(s) },
    stderr: { isTTY: false, write: (s: string) => err.push(s) },
    stdin: { isTTY: false },
  } as unknown as NodeJS.Process;
  const opened: Mem[] = [];
  setCliFactory((g) => {
    const mem = openMem({ env: o.env, cwd: o.cwd, db: g.db, now: o.now });
    opened.push(mem);
    return Promise.resolve({ mem, term: createTerm(Boolean(g.json), mem.world.config, proc) });
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
