// Shell memory: the integration scripts, captured history, imports, and prune.
import { hiddenFlag, outcomeOption } from '../outcome.js';
import { Argument, Option } from '@commander-js/extra-typings';
import { act, pick } from '../act.js';
import type { Program } from '../program.js';
import type { OptsOf, Parent } from './types.js';

const SHELLS = ['zsh', 'bash', 'fish'];
const init = (p: Program) =>
  p
    .command('init')
    .addArgument(new Argument('[shell]', 'zsh, bash or fish').choices(SHELLS))
    .description('print the shell integration script (zsh, bash or fish); --install makes new shells load it without starting mem')
    .addOption(
      new Option('--install <shell>', 'write the script and its completions into the data directory and source them from ~/.zshrc, ~/.bashrc or fish conf.d (migrates an eval line; idempotent)').choices(SHELLS),
    );
export type InitOpts = OptsOf<typeof init>;

const history = (p: Program) =>
  p
    .command('history [query...]')
    .description('captured shell commands, newest last: QUERY filters by substring (or --fuzzy, --prefix, --regex), with exit code, duration and cwd')
    .option('--fuzzy', "QUERY's characters in order, each space-separated term (like fzf)")
    .option('--prefix', 'commands that start with QUERY')
    .option('--regex', 'QUERY is a JavaScript regular expression, case-sensitive (guarded: each line has a time budget)')
    .option('--session <id>', 'only this shell session')
    .option('--this-session', 'only the current shell session ($MEM_SESSION)')
    .option('--cwd <dir>', 'only commands run in this directory')
    .option('--host <host>', 'only commands run on this host')
    .option('--author <name>', "only commands run by this user or agent (claude-code, codex, cursor); 'agents' or 'humans' for all of either")
    .addOption(outcomeOption('only commands that exited 0 (success) or non-zero (failure)'))
    .addOption(hiddenFlag('--failed'))
    .option('--exit <n>', 'only commands that exited with this status')
    .option('--since <when>', 'only commands since this time (2h, 7d, yesterday, ISO 8601, epoch)')
    .addOption(new Option('--after <when>', 'same as --since').hideHelp())
    .option('--before <when>', 'only commands before this time (same forms as --since)')
    .option('-n, --limit <n>', 'at most this many (the newest)', '50')
    .option('--reverse', 'newest first')
    .option('--format <template>', "one line per command from a template: {id} {time} {cmd} {cwd} {exit} {duration} {session} {host}, \\t and \\n, e.g. '{time}\\t{cmd}'")
    .option('--cmd-only', 'only the command lines (for fzf and scripts)')
    .option('--print0', 'end each command with NUL instead of a newline (commands may span lines: xargs -0, fzf --read0)');
export type HistoryOpts = OptsOf<typeof history>;

const historyRm = (h: Parent<[string[]]>) =>
  h
    .command('rm [ids...]')
    .description('delete commands by id (or every command a regex matches) and everything learned from them, scrubbed from disk')
    .option('--match <regex>', 'delete every command this JavaScript regular expression matches (case-sensitive)')
    .option('--dry-run', 'show what would be deleted, delete nothing')
    .option('-y, --yes', 'do not ask for confirmation');
export type HistoryRmOpts = OptsOf<typeof historyRm>;

const picker = (p: Program) =>
  p
    .command('picker [query]')
    .description('search captured history interactively (what Ctrl-R opens) and print the chosen line; --json lists the ranked matches')
    .option('--mode <mode>', 'global, host, session, directory or repository', 'global')
    .option('-n, --limit <n>', 'with --json: at most this many matches', '20');
export type PickerOpts = OptsOf<typeof picker>;

const importHistory = (p: Program) =>
  p
    .command('import-history [file]')
    .description('import a zsh, bash or fish history, or an atuin database (default: $HISTFILE, ~/.zsh_history, ~/.bash_history, fish_history); idempotent')
    .addOption(new Option('--shell <shell>', 'the format').choices(['zsh', 'bash', 'fish', 'atuin', 'auto']).default('auto'))
    .option('--no-learn', 'do not learn the imported commands now (predictions use them once the background learner has)');
export type ImportHistoryOpts = OptsOf<typeof importHistory>;

const prune = (p: Program) => p.command('prune').description('re-apply the current filters and secret redaction to everything stored').option('--dry-run', 'report what would change, change nothing');
export type PruneOpts = OptsOf<typeof prune>;

const ingest = (p: Program) =>
  p
    .command('__ingest', { hidden: true })
    .description('move spooled shell records into the store (started by the shell hooks)')
    .option('--daemon', 'stay and ingest as records arrive; exit when idle')
    .option('--learn-all', 'learn every pending command now (benchmarks)');
export type IngestOpts = OptsOf<typeof ingest>;

const completion = (p: Program) =>
  p
    .command('completion')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .description('print the tab-completion script for a shell, generated from these commands (mem init --install sets it up)');
export type CompletionOpts = OptsOf<typeof completion>;

export function registerShell(program: Program): void {
  init(program).action(act(() => import('../../commands/init.js')));
  const h = history(program);
  const hc = () => import('../../commands/history.js');
  h.action(act(pick(hc, 'run')));
  historyRm(h).action(act(pick(hc, 'rm')));
  picker(program).action(act(() => import('../../commands/picker.js')));
  importHistory(program).action(act(() => import('../../commands/import-history.js')));
  prune(program).action(act(() => import('../../commands/prune.js')));
  completion(program).action(act(() => import('../../commands/completion.js')));
  ingest(program).action(act(() => import('../../commands/ingest.js')));
}
