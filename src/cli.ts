// The only place the CLI surface is declared. Each action lazy-imports its command module, so a
// command loads just what it uses. Errors are turned into one line and an exit code here, and
// only here.
import { Command, CommanderError } from 'commander';
import type { Ctx, GlobalFlags } from './context.js';
import { EXIT_USAGE, MemError } from './errors.js';
import { CONFIG_KEYS, envVarFor } from './config/schema.js';

declare const MEM_VERSION: string;

// Positional arguments from commander are strings (or undefined when optional).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Run = (ctx: Ctx, opts: any, ...args: any[]) => unknown;
type Loader = () => Promise<{ run: Run }>;

const wantsJson = process.argv.includes('--json');

function act(load: Loader) {
  return async (...params: unknown[]) => {
    const cmd = params[params.length - 1] as Command;
    const opts = cmd.optsWithGlobals() as Record<string, unknown> & GlobalFlags;
    const positionals = params.slice(0, -2);
    // The context (config, the SQLite addon) and the command load together, and only now: help,
    // --version and usage errors never pay for them.
    const [{ createContext }, mod] = await Promise.all([import('./context.js'), load()]);
    const ctx = await createContext(opts);
    try {
      await mod.run(ctx, opts, ...positionals);
    } finally {
      ctx.release();
    }
  };
}

const issueOptions = (c: Command) =>
  c
    .option('--model <name>', 'model name, e.g. llama3:8b')
    .option('--issue-type <type>', 'MODEL_NOT_AVAILABLE, TIMEOUT, UNEXPECTED_RESPONSE, NO_OUTPUT, ERROR, CUSTOM or your own')
    .option('--test-prompt <text>', 'the prompt that showed the issue')
    .option('--actual-response <text>', 'what the model answered')
    .option('--description <text>', 'what went wrong')
    .option('--from-json <file>', "read the issue from a JSON file ('-' for stdin)");

const ENV_VARS: [string, string][] = [
  ['MEM_DB', 'path of the store (overridden by --db)'],
  ['MEM_HOME', "mem's data directory: store, spool, backups (store: $MEM_HOME/mem.db)"],
  ['XDG_DATA_HOME', 'data directory base when MEM_HOME is unset (default ~/.local/share)'],
  ['MEM_CONFIG', 'path of the config file (default $XDG_CONFIG_HOME/mem/config.toml)'],
  ['XDG_CONFIG_HOME', 'config directory base (default ~/.config)'],
  ['MEM_SESSION', 'the current shell session id (set by the shell integration)'],
  ['MEM_DEBUG', 'set to 1 to print stack traces for internal errors'],
  ['NO_COLOR', 'disable colour'],
  ...CONFIG_KEYS.map((k): [string, string] => [envVarFor(k.key), `config ${k.key}: ${k.description}`]),
];
const pad = Math.max(...ENV_VARS.map(([n]) => n.length)) + 2;
const ENV_HELP = `
Environment:
${ENV_VARS.map(([n, d]) => `  ${n.padEnd(pad)}${d}`).join('\n')}

Exit codes: 0 success, 1 failure, 2 bad usage or bad input.`;

/** Stands in for the commands not invoked: every method returns it, so declaring them costs nothing. */
const STUB: Command = new Proxy(function () {}, { get: () => () => STUB }) as unknown as Command;

/**
 * The invoked top-level command when argv names one and asks for no help: only that command
 * needs declaring (building all of them costs ~7 ms of a ~120 ms start).
 */
function invokedCommand(argv: string[]): string | undefined {
  const args = argv.slice(2);
  if (args.some((a) => a === '-h' || a === '--help' || a === 'help' || a === '-V' || a === '--version')) return undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--db') i++;
    else if (!args[i]!.startsWith('-')) return args[i];
  }
  return undefined;
}

export function buildProgram(only: string | null = invokedCommand(process.argv) ?? null): Command {
  const program = new Command('mem')
    .description("the memory of your terminal and of the AI tools that fix things in it")
    .version(typeof MEM_VERSION === 'string' ? MEM_VERSION : 'dev', '-V, --version')
    .option('--db <path>', 'use this store instead of the default')
    .option('--json', 'machine-readable output on stdout (errors as JSON on stderr)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .addHelpText('after', ENV_HELP)
    .showSuggestionAfterError(true);
  let found = false;
  if (only !== null) {
    const declare = program.command.bind(program) as (...a: unknown[]) => Command;
    program.command = ((nameAndArgs: string, ...rest: unknown[]) => {
      if (nameAndArgs.split(' ')[0] !== only) return STUB;
      found = true;
      return declare(nameAndArgs, ...rest);
    }) as typeof program.command;
  }

  const fix = program.command('fix').description('record fix attempts and consult what worked before');
  fix
    .command('record')
    .description('record a fix attempt (flags, or --from-json with one object or JSON Lines)')
    .option('--from-json <file>', "read attempts from a JSON file ('-' for stdin); one per line for bulk")
    .option('--model <name>', 'model name, e.g. llama3:8b')
    .option('--issue-type <type>', 'MODEL_NOT_AVAILABLE, TIMEOUT, UNEXPECTED_RESPONSE, NO_OUTPUT, ERROR, CUSTOM or your own')
    .option('--description <text>', 'what went wrong')
    .option('--test-prompt <text>', 'the prompt that showed the issue')
    .option('--actual-response <text>', 'what the model answered')
    .option('--fixer-type <name>', 'claude, qwen, gpt, gemini, human, or any name', 'human')
    .option('--analysis <text>', "the fixer's analysis")
    .option('--confidence <0..1>', "the fixer's confidence")
    .option('--fix-command <cmd>', 'a command the fix ran (repeat for several)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--success', 'the fix worked')
    .option('--failure', 'the fix did not work')
    .option('--verified', 'verification passed')
    .option('--not-verified', 'verification failed')
    .option('--execution-time <seconds>', 'how long the fix took')
    .option('--system-info <json>', 'JSON object: os, ram, gpu, versions...')
    .option('--notes <text>', 'free-form notes')
    .option('--timestamp <when>', 'when it happened (ISO 8601 or epoch seconds; default now)')
    .action(act(() => import('./commands/fix-record.js')));
  issueOptions(fix.command('similar').description('past attempts at the same or similar issues'))
    .option('--limit <n>', 'at most this many per list', '10')
    .action(act(() => import('./commands/fix-similar.js')));
  issueOptions(fix.command('context').description('the history block an AI fixer pastes into its prompt'))
    .option('--limit <n>', 'at most this many entries per section', '5')
    .action(act(() => import('./commands/fix-context.js')));

  program
    .command('init [shell]')
    .description('print the shell integration script: eval "$(mem init zsh)" or eval "$(mem init bash)"')
    .option('--install <shell>', 'add the eval line to ~/.zshrc or ~/.bashrc (once)')
    .action(act(() => import('./commands/init.js')));
  program
    .command('history')
    .description('captured shell commands, newest last, with exit code, duration and cwd')
    .option('--session <id>', 'only this shell session')
    .option('--this-session', 'only the current shell session ($MEM_SESSION)')
    .option('--cwd <dir>', 'only commands run in this directory')
    .option('--failed', 'only commands that exited non-zero')
    .option('--since <when>', 'only commands since this time (ISO 8601, epoch, or an age such as 2h, 7d)')
    .option('--limit <n>', 'at most this many (the newest)', '50')
    .action(act(() => import('./commands/history.js')));
  program
    .command('import-history [file]')
    .description('import a zsh or bash history file (default: $HISTFILE, ~/.zsh_history, ~/.bash_history); idempotent')
    .option('--shell <shell>', 'zsh, bash or auto', 'auto')
    .action(act(() => import('./commands/import-history.js')));
  program
    .command('prune')
    .description('re-apply the current filters and secret redaction to everything stored')
    .option('--dry-run', 'report what would change, change nothing')
    .action(act(() => import('./commands/prune.js')));
  program
    .command('__ingest', { hidden: true })
    .description('move spooled shell records into the store (started by the shell hooks)')
    .option('--daemon', 'stay and ingest as records arrive; exit when idle')
    .option('--learn-all', 'learn every pending command now (benchmarks)')
    .action(act(() => import('./commands/ingest.js')));

  program
    .command('predict')
    .description('the likely next commands, with confidence and the evidence for them')
    .option('--top-k <n>', 'how many predictions', '3')
    .option('--context <cmd...>', 'predict after these commands instead of your last ones')
    .option('--cwd <dir>', 'the directory to predict for (default: the current one)')
    .option('--session <id>', 'the shell session whose last commands are the context (default: $MEM_SESSION, else the latest)')
    .action(act(() => import('./commands/predict.js')));
  program
    .command('graph')
    .description('the strongest transitions between commands')
    .option('--top <n>', 'how many transitions', '30')
    .option('--dot', 'write Graphviz DOT')
    .action(act(() => import('./commands/graph.js')));
  program
    .command('workflows')
    .description('recurring command sequences of 3+ steps, with their success rates')
    .option('--min-count <n>', 'seen at least this often', '3')
    .option('--cwd <dir>', 'only workflows run in this directory')
    .option('--limit <n>', 'at most this many', '20')
    .action(act(() => import('./commands/workflows.js')));
  program
    .command('learn')
    .description('teach command sequences: {"session_commands": [{"command": ...}], "session_outcome": "success"|"failure"} per line')
    .option('--from-json <file>', "the sequences ('-' for stdin)")
    .action(act(() => import('./commands/learn.js')));
  const evalCmd = program.command('eval').description('measure mem against baselines');
  evalCmd
    .command('predict <files...>')
    .description('replay histories through the predictor (test-then-train) and report top-1/top-k hit rates against two baselines')
    .option('--format <format>', 'auto, zsh, bash or plain (one command per line)', 'auto')
    .option('--granularity <g>', 'full (the exact line) or name (the command name)', 'full')
    .option('--k <n>', 'a hit at k: the true command is among the first k predictions', '3')
    .action(act(() => import('./commands/eval-predict.js')));
  program.command('stats').description('totals and breakdowns of everything mem remembers').action(act(() => import('./commands/stats.js')));
  program
    .command('model <name>')
    .description("a model's insights and recent history")
    .option('--limit <n>', 'recent attempts to show', '10')
    .option('--set-notes <text>', 'store notes about this model')
    .action(act(() => import('./commands/model.js')));
  program
    .command('recent [days]')
    .description('recent fix attempts (default: the last 7 days)')
    .option('--limit <n>', 'at most this many', '50')
    .action(act(() => import('./commands/recent.js')));
  program
    .command('successful')
    .description('the most effective fix strategies by issue type')
    .option('--issue-type <type>', 'only this issue type')
    .option('--limit <n>', 'strategies per issue type', '3')
    .action(act(() => import('./commands/successful.js')));
  const patterns = program
    .command('patterns')
    .description('recurring issues, their success rates and confidence (subcommands: learned patterns over task memories)')
    .option('--issue-type <type>', 'only this issue type')
    .option('--min-attempts <n>', 'only patterns seen at least this often', '1')
    .option('--limit <n>', 'at most this many', '20')
    .action(act(() => import('./commands/patterns.js')));
  // `mem patterns` alone lists fix-attempt patterns; these are its subcommands. `patterns` parses its
  // own options (--limit) wherever they appear and optsWithGlobals lets the parent win, so
  // `learned --limit` arrives through the parent: keep the same default there.
  const learnedPatterns = (name: 'extract' | 'learned' | 'feedback') => act(() => import('./commands/learned-patterns.js').then((m) => ({ run: m[name] })));
  const scopeFlag = ['--scope <scope>', 'project namespace (default: $MEM_SCOPE, else the git root of the cwd, else default)'] as const;
  patterns
    .command('extract')
    .description('learn what separates successful from failed task memories whose title or content matches a regex')
    .requiredOption('--match <regex>', 'JavaScript regular expression, case-insensitive (guarded against catastrophic backtracking)')
    .requiredOption('--type <type>', 'success, failure or optimization')
    .option('--min-samples <n>', 'fewest matching tasks with a known outcome', '3')
    .option(...scopeFlag)
    .action(learnedPatterns('extract'));
  patterns
    .command('learned')
    .description('learned patterns, most confident first')
    .option('--type <type>', 'only success, failure or optimization')
    .option('--scope <scope>', 'only this scope (default: every scope)')
    .option('--limit <n>', 'at most this many', '20')
    .action(learnedPatterns('learned'));
  patterns
    .command('feedback <id>')
    .description('say whether a learned pattern helped: moves its confidence (0..1) and counts the verdict')
    .option('--helpful', 'it helped: raise confidence')
    .option('--not-helpful', 'it did not: lower confidence')
    .option('--adjust <x>', 'how far to move confidence', '0.1')
    .action(learnedPatterns('feedback'));

  const episode = program.command('episode').description('record a task as a sequence of events, and learn from past episodes');
  const episodes = (name: 'start' | 'event' | 'end' | 'show' | 'similar' | 'failures') => act(() => import('./commands/episode.js').then((m) => ({ run: m[name] })));
  episode.command('start <task>').description('start an episode; prints its id').option('--context <json>', 'JSON object: what the task starts from').option(...scopeFlag).action(episodes('start'));
  episode
    .command('event <id>')
    .description('append an event to an open episode')
    .requiredOption('--type <type>', 'what happened: plan, tool_call, test, deploy, error...')
    .option('--role <role>', 'who did it: agent, user, tool...')
    .option('--data <json>', 'JSON object; an "error" key (or a type containing "error") marks an error')
    .action(episodes('event'));
  episode
    .command('end <id>')
    .description('end an episode; it is remembered as an experience memory')
    .option('--success', 'the task succeeded')
    .option('--failure', 'the task failed')
    .option('--metrics <json>', 'JSON object: duration, tokens, cost...')
    .action(episodes('end'));
  episode.command('show <id>').description('an episode with its events in order').action(episodes('show'));
  episode
    .command('similar <description>')
    .description('past episodes like this task, with similarity and outcome')
    .option(...scopeFlag)
    .option('--all-scopes', 'every scope')
    .option('--success-only', 'only episodes that succeeded')
    .option('--top-k <n>', 'how many', '5')
    .option('--threshold <x>', 'minimum cosine similarity for the semantic side (0..1)', '0.25')
    .action(episodes('similar'));
  episode
    .command('failures')
    .description('what failed episodes have in common: event types, errors, last steps')
    .option(...scopeFlag)
    .option('--all-scopes', 'every scope')
    .option('--limit <n>', 'rows per table', '10')
    .action(episodes('failures'));

  const collect = (v: string, acc: string[] = []) => [...acc, v];
  const scopeOption = (c: Command) => c.option('--scope <scope>', 'project namespace (default: $MEM_SCOPE, else the git root of the cwd, else default)');
  const manage = (name: 'list' | 'show' | 'edit' | 'rm' | 'log') => act(() => import('./commands/memory-manage.js').then((m) => ({ run: m[name] })));
  scopeOption(
    program
      .command('add [text]')
      .description("remember something (TEXT, or '-' / piped stdin); returns at once, embedding happens in the background")
      .option('--kind <kind>', 'note, meeting_note, task, insight, decision, solution, error, code_pattern, experience, contact, file, custom', 'note')
      .option('--title <title>', 'a short title')
      .option('--tags <a,b>', 'comma-separated tags')
      .option('--meta <key=value>', 'metadata (repeatable)', collect)
      .option('--source <source>', 'manual, chat, file, integration, ai_extracted, shell, fix')
      .option('--source-id <id>', 'id of the item in its source')
      .option('--success', 'the task or experience succeeded')
      .option('--failure', 'the task or experience failed')
      .option('--task-id <id>', 'the task this belongs to')
      .option('--language <lang>', 'programming or natural language')
      .option('--bulk <file>', 'add many from JSON Lines (one memory object per line, up to 10,000)'),
  ).action(act(() => import('./commands/memory-add.js')));
  scopeOption(
    program
      .command('list')
      .description('memories, newest first, with filters and pagination')
      .option('--kind <kind>', 'only this kind')
      .option('--tag <tag>', 'only with this tag')
      .option('--source <source>', 'only from this source')
      .option('--all-scopes', 'every scope, not just the current one')
      .option('--status <status>', 'embedding status: pending, processing, completed, failed')
      .option('--after <when>', 'created at or after (ISO, epoch, or an age such as 7d)')
      .option('--before <when>', 'created before')
      .option('--sort <field>', 'created, updated or accessed', 'created')
      .option('--asc', 'oldest first')
      .option('--page <n>', 'page number', '1')
      .option('--per-page <n>', 'memories per page (at most 100)', '20')
      .option('--cursor <cursor>', 'continue after a previous page (its meta.next_cursor)'),
  ).action(manage('list'));
  program.command('show <id>').description('one memory, in full (an id prefix of 6+ characters is enough)').action(manage('show'));
  program
    .command('edit <id>')
    .description('change only what is given; new content is embedded again')
    .option('--content <text>', "new content ('-' for stdin)")
    .option('--title <title>', 'new title')
    .option('--tags <a,b>', 'replace the tags')
    .option('--meta <key=value>', 'replace the metadata (repeatable)', collect)
    .action(manage('edit'));
  program.command('rm <id>').description('delete a memory (kept in the audit trail)').option('--purge', 'delete for good').action(manage('rm'));
  program.command('log <id>').description("a memory's audit trail").action(manage('log'));

  const searchOptions = (c: Command) =>
    scopeOption(c)
      .option('--all-scopes', 'search every scope')
      .option('--kind <kind>', 'only this kind')
      .option('--tag <tag>', 'only with this tag')
      .option('--top-k <n>', 'how many results', '5')
      .option('--threshold <x>', 'minimum cosine similarity for the semantic side (0..1)', '0.25')
      .option('--success-only', 'only memories of successful tasks or experiences');
  searchOptions(program.command('search <query>').description('find memories by meaning and keywords together'))
    .option('--mode <mode>', 'hybrid, semantic or keyword', 'hybrid')
    .action(act(() => import('./commands/search.js')));
  searchOptions(program.command('recall-error <message>').description('past errors like this one, and how they were resolved')).action(
    act(() => import('./commands/search.js').then((m) => ({ run: m.recallError }))),
  );
  program
    .command('embed')
    .description('embed pending memories now, with progress (normally a background worker does it)')
    .option('--status', 'count memories by embedding status')
    .option('--retry-failed', 'give failed memories another three attempts')
    .option('--reembed', 'embed everything again (after switching models)')
    .option('--worker', 'run quietly as the background worker')
    .action(act(() => import('./commands/embed.js')));

  scopeOption(program.command('context <task>').description('similar past tasks, matching patterns and recommendations for a task'))
    .option('--all-scopes', 'look in every scope')
    .option('--top-k <n>', 'similar tasks to show', '3')
    .action(act(() => import('./commands/context.js')));
  const kb = program.command('kb').description('the built-in knowledge base');
  scopeOption(kb.command('seed').description('load design patterns, best practices and common error resolutions (idempotent)')).action(
    act(() => import('./commands/kb.js').then((m) => ({ run: m.seed }))),
  );

  program
    .command('export [file]')
    .description("write everything mem stores as a versioned JSON bundle (default or '-': stdout)")
    .action(act(() => import('./commands/export.js')));
  program
    .command('import <file>')
    .description("merge a bundle written by `mem export` ('-' for stdin); validated first, idempotent")
    .option('--dry-run', 'validate and report, write nothing')
    .action(act(() => import('./commands/import.js')));
  program
    .command('cleanup [days]')
    .description('remove raw records older than the cut-off; learned aggregates are kept')
    .option('--older-than <age>', 'cut-off age, e.g. 30d, 12h, 2w (default: config cleanup.older_than)')
    .option('--dry-run', 'report what would be removed')
    .action(act(() => import('./commands/cleanup.js')));
  program
    .command('backup')
    .description('an online, consistent, integrity-checked backup, rotated')
    .option('--dir <dir>', 'where to write (default: config backup.dir, else <store dir>/backups)')
    .option('--keep <n>', 'keep the newest N backups (default: config backup.keep)')
    .action(act(() => import('./commands/backup.js')));
  program
    .command('restore <file>')
    .description('check a backup, keep a copy of the current store, then replace it atomically')
    .action(act(() => import('./commands/restore.js')));
  program.command('doctor').description('check the store, configuration and paths').action(act(() => import('./commands/doctor.js')));

  const config = program.command('config').description('show and change configuration');
  config.command('list').description('every key with its value and where it came from').action(act(() => import('./commands/config.js').then((m) => ({ run: m.list }))));
  config.command('get <key>').description('one value').action(act(() => import('./commands/config.js').then((m) => ({ run: m.get }))));
  config.command('set <key> <value>').description('write a value to the config file').action(act(() => import('./commands/config.js').then((m) => ({ run: m.set }))));
  config.command('unset <key>').description('remove a value from the config file').action(act(() => import('./commands/config.js').then((m) => ({ run: m.unset }))));
  config.command('path').description('where the config file is').action(act(() => import('./commands/config.js').then((m) => ({ run: m.path }))));

  // An unknown command gets the whole tree, so commander can suggest the nearest name.
  if (only !== null && !found) return buildProgram(null);
  return program;
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
  const known = err instanceof MemError;
  const code = known ? err.exitCode : 1;
  const message = known ? err.message : `internal error: ${(err as Error)?.message ?? String(err)}${process.env.MEM_DEBUG ? '' : ' (set MEM_DEBUG=1 for details)'}`;
  if (process.env.MEM_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  if (wantsJson) process.stderr.write(JSON.stringify({ error: { code: known ? err.code : 'internal', message, exit_code: code } }) + '\n');
  else process.stderr.write(`mem: ${message}\n`);
  return code;
}

async function main(): Promise<void> {
  // `mem recent | head -1`: a closed pipe is a normal way for a reader to stop listening.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
  });
  const program = buildProgram();
  program.exitOverride();
  for (const c of [program, ...allCommands(program)]) {
    c.exitOverride();
    c.configureOutput({
      outputError: (str, write) => {
        const msg = str.replace(/^error: /, '').trim();
        write(wantsJson ? JSON.stringify({ error: { code: 'usage', message: msg, exit_code: EXIT_USAGE } }) + '\n' : `mem: ${msg}\n`);
      },
    });
  }
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

function allCommands(c: Command): Command[] {
  return c.commands.flatMap((sub) => [sub, ...allCommands(sub)]);
}

void main();
