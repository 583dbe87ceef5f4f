// Runs a command: loads its module and the core only now (help, --version and usage errors never
// pay for them), opens the core on the store the flags name, and hands the command the core and
// the terminal.
import type { Command, CommandUnknownOpts, OptionValues } from '@commander-js/extra-typings';
import { InputError, UsageError } from '../errors.js';
import type { Mem } from '../core/mem.js';
import { setLayout } from '../render/layout.js';
import type { Term } from './term.js';

/** What a CLI command gets: the core API and the terminal. */
export interface Cli {
  mem: Mem;
  term: Term;
}

export interface GlobalFlags {
  db?: string;
  json?: true;
  wide?: true;
}

type Run<A extends unknown[], O extends OptionValues> = (cli: Cli, opts: O, ...args: A) => unknown;

/** Makes the core and terminal a command gets; tests run the CLI in-process with their own world. */
export type CliFactory = (globals: GlobalFlags) => Promise<Cli>;

const defaultFactory: CliFactory = async (globals) => {
  const [{ openMem }, { createTerm }] = await Promise.all([import('../core/mem.js'), import('./term.js')]);
  const mem = openMem({ db: globals.db });
  return { mem, term: createTerm(Boolean(globals.json), mem.world.config) };
};
let factory = defaultFactory;

export function setCliFactory(f: CliFactory | null): void {
  factory = f ?? defaultFactory;
}

export function act<A extends unknown[], O extends OptionValues>(load: () => Promise<{ run: Run<A, O> }>) {
  return async (...params: [...A, O, Command<A, O>]): Promise<void> => {
    const cmd = params[params.length - 1] as CommandUnknownOpts;
    const args = params.slice(0, -2) as A;
    // With globals: a parent's options given after a subcommand (`mem task-patterns learned --limit 5`)
    // are parsed by the parent, and arrive through it.
    const opts = cmd.optsWithGlobals() as O;
    const globals = opts as GlobalFlags;
    const [cli, mod] = await Promise.all([factory(globals), load()]);
    setLayout({ width: cli.term.width, wide: Boolean(globals.wide) });
    // A setting that cannot be used (a filter regex that could hang) is ignored, not fatal: say so.
    for (const p of cli.mem.world.config.problems()) cli.term.notice(p.message);
    try {
      await mod.run(cli, opts, ...args);
    } catch (err) {
      throw asFlagError(err, cmd);
    } finally {
      cli.mem.world.release();
    }
  };
}

/** The loader of one named export of a command module. */
export function pick<M, K extends keyof M>(load: () => Promise<M>, name: K): () => Promise<{ run: M[K] }> {
  return () => load().then((m) => ({ run: m[name] }));
}

/**
 * The core names the field at fault (`field 'per_page': must be between 1 and 100`); on the
 * command line that field is a flag, so the error names the flag (`--per-page must be ...`).
 */
function asFlagError(err: unknown, cmd: CommandUnknownOpts): unknown {
  if (!(err instanceof InputError) || !err.field || err.line !== undefined) return err;
  const flag = `--${err.field.replace(/_/g, '-')}`;
  const declared = (c: CommandUnknownOpts | null): boolean => !!c && (c.options.some((o) => o.long === flag) || declared(c.parent));
  if (!declared(cmd)) return err;
  return new UsageError(`${flag} ${err.message.replace(/^field '[^']+': /, '')}`);
}
