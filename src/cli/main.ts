// The entry point: parses argv, runs the command, and turns every error into one line (or one
// JSON object with --json) on stderr and an exit code. Only here.
import { CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { EXIT_USAGE, knownError } from '../errors.js';
import { buildProgram, invokedCommand } from './program.js';
import { noteStreamFailure, outputFailure, processStdio } from './stdio.js';

/**
 * A confirmation prompt (readline's question) left with Ctrl-C or Ctrl-D: readline rejects it with
 * an AbortError, which is the user's answer, not a failure of mem. Every prompt comes before the
 * change it asks about, so nothing was changed. Ctrl-C is an interruption (130, as the shell has
 * it); Ctrl-D, the end of the answer, is a no (0, as answering N).
 */
function promptLeft(err: unknown): 'C' | 'D' | null {
  if (!(err instanceof Error) || err.name !== 'AbortError') return null;
  const key = /^Aborted with Ctrl\+([CD])$/.exec(err.message)?.[1];
  return key === 'C' || key === 'D' ? key : null;
}

function reportError(err: unknown, json: boolean, write: (s: string) => void): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
  const left = promptLeft(err);
  if (left) {
    const code = left === 'C' ? 130 : 0;
    // (Only a terminal is asked, never with --json. The prompt's line is still open there: the
    // message starts a line of its own.)
    write('\nmem: cancelled: nothing changed\n');
    return code;
  }
  const known = knownError(err);
  const code = known ? known.exitCode : 1;
  const message = known ? known.message : `internal error: ${(err as Error)?.message ?? String(err)}${process.env.MEM_DEBUG ? '' : ' (set MEM_DEBUG=1 for details)'}`;
  if (process.env.MEM_DEBUG && err instanceof Error && err.stack) write(err.stack + '\n');
  if (json) write(JSON.stringify({ error: { code: known ? known.code : 'internal', message, exit_code: code, ...(known?.field ? { field: known.field } : {}) } }) + '\n');
  else write(`mem: ${message}\n`);
  return code;
}

function allCommands(c: CommandUnknownOpts): CommandUnknownOpts[] {
  return c.commands.flatMap((sub) => [sub, ...allCommands(sub)]);
}

/** Runs one command line; returns the exit code. Errors go to `writeErr`, one line each. */
export async function runCli(argv: string[], writeErr: (s: string) => void = processStdio.err): Promise<number> {
  const json = argv.includes('--json');
  const program = buildProgram(invokedCommand(argv) ?? null) as CommandUnknownOpts;
  for (const c of [program, ...allCommands(program)]) {
    c.exitOverride();
    c.configureOutput({
      writeOut: processStdio.out,
      writeErr,
      outputError: (str, write) => {
        const msg = str.replace(/^error: /, '').trim();
        write(json ? JSON.stringify({ error: { code: 'usage', message: msg, exit_code: EXIT_USAGE } }) + '\n' : `mem: ${msg}\n`);
      },
    });
  }
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err, json, writeErr);
  }
}

/** Makes process.stdout and process.stderr note when they are built (see main). */
function trackStreams(): Set<NodeJS.WriteStream> {
  const built = new Set<NodeJS.WriteStream>();
  for (const name of ['stdout', 'stderr'] as const) {
    const d: { get?: (this: void) => unknown; configurable?: boolean } | undefined = Object.getOwnPropertyDescriptor(process, name);
    const get = d?.get;
    if (!get || !d.configurable) continue;
    Object.defineProperty(process, name, {
      ...d,
      get() {
        const stream = Reflect.apply(get, process, []) as NodeJS.WriteStream;
        if (!built.has(stream)) {
          built.add(stream);
          // As for the CLI's own writes: a closed pipe ends the command quietly, any other failure
          // is reported by main (stdout) or has nowhere to go (stderr); neither is a crash.
          stream.on('error', (e: NodeJS.ErrnoException) => {
            if (name === 'stdout') noteStreamFailure(e);
          });
        }
        return stream;
      },
    });
  }
  return built;
}

export async function main(): Promise<void> {
  // The CLI writes its output with write(2) (./stdio.ts); the streams are built only by what needs
  // them (a spinner, a prompt, the servers), and only those are flushed before exiting.
  const streams = trackStreams();
  let code = await runCli(process.argv);
  // The command is done (the long-running ones, serve, mcp, --follow and --watch, return when they
  // stop): exit once what was written has reached stdout and stderr, instead of when the event
  // loop drains. Draining would also run better-sqlite3's teardown, which closes the store and so
  // checkpoints the WAL (two fsyncs on every command, seen with strace) although that is what SQLite's
  // automatic checkpoints do anyway (see World.release).
  const flushed = (s: NodeJS.WriteStream) => new Promise<void>((done) => s.write('', () => done()));
  await Promise.all([...streams].map(flushed));
  // A failure to write the output (a full disk, /dev/full, an I/O error) is a failure of the
  // command: a script must not take a cut-off answer for a whole one.
  const failed = outputFailure();
  if (failed) {
    const message = `cannot write the output (${failed.code ?? failed.message}): it is incomplete`;
    processStdio.err(process.argv.includes('--json') ? JSON.stringify({ error: { code: 'output_failed', message, exit_code: 1 } }) + '\n' : `mem: ${message}\n`);
    if (code === 0) code = 1;
  }
  process.exit(code);
}
