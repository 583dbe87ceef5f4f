// The entry point: parses argv, runs the command, and turns every error into one line (or one
// JSON object with --json) on stderr and an exit code. Only here.
import { CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { EXIT_USAGE, knownError } from '../errors.js';
import { buildProgram, invokedCommand } from './program.js';

function reportError(err: unknown, json: boolean, write: (s: string) => void): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
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
export async function runCli(argv: string[], writeErr: (s: string) => void = (s) => void process.stderr.write(s)): Promise<number> {
  const json = argv.includes('--json');
  const program = buildProgram(invokedCommand(argv) ?? null) as CommandUnknownOpts;
  for (const c of [program, ...allCommands(program)]) {
    c.exitOverride();
    c.configureOutput({
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

export async function main(): Promise<void> {
  // `mem recent | head -1`: a closed pipe is a normal way for a reader to stop listening. Any other
  // failure to write the output (a full disk, /dev/full, an I/O error) is a failure of the command:
  // a script must not take a cut-off answer for a whole one.
  let outputFailed: NodeJS.ErrnoException | null = null;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    outputFailed ??= e;
  });
  let code = await runCli(process.argv);
  // The command is done (the long-running ones, serve, mcp, --follow and --watch, return when they
  // stop): exit once what was written has reached stdout and stderr, instead of when the event
  // loop drains. Draining would also run better-sqlite3's teardown, which closes the store and so
  // checkpoints the WAL (two fsyncs on every command, seen with strace) although that is what SQLite's
  // automatic checkpoints do anyway (see World.release).
  const flushed = (s: NodeJS.WriteStream) => new Promise<void>((done) => s.write('', () => done()));
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  const failed = outputFailed as NodeJS.ErrnoException | null;
  if (failed) {
    const message = `cannot write the output (${failed.code ?? failed.message}): it is incomplete`;
    process.stderr.write(process.argv.includes('--json') ? JSON.stringify({ error: { code: 'output_failed', message, exit_code: 1 } }) + '\n' : `mem: ${message}\n`);
    if (code === 0) code = 1;
    await flushed(process.stderr);
  }
  process.exit(code);
}
