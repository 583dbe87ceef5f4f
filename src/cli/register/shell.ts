// Shell memory: the integration scripts, captured history, imports, and prune.
import { act } from '../act.js';
import type { Program } from '../program.js';
import type { OptsOf } from './types.js';

const init = (p: Program) =>
  p
    .command('init [shell]')
    .description('print the shell integration script (zsh, bash or fish); --install makes new shells load it without starting mem')
    .option('--install <shell>', 'write the script into the data directory and source it from ~/.zshrc, ~/.bashrc or fish conf.d (migrates an eval line; idempotent)');
export type InitOpts = OptsOf<typeof init>;

const history = (p: Program) =>
  p
    .command('history')
    .description('captured shell commands, newest last, with exit code, duration and cwd')
    .option('--session <id>', 'only this shell session')
    .option('--this-session', 'only the current shell session ($MEM_SESSION)')
    .option('--cwd <dir>', 'only commands run in this directory')
    .option('--failed', 'only commands that exited non-zero')
    .option('--since <when>', 'only commands since this time (ISO 8601, epoch, or an age such as 2h, 7d)')
    .option('--author <name>', "only commands run by this user or agent (claude-code, codex, cursor); 'agents' or 'humans' for all of either")
    .option('--limit <n>', 'at most this many (the newest)', '50');
export type HistoryOpts = OptsOf<typeof history>;

const picker = (p: Program) =>
  p
    .command('picker [query]')
    .description('search captured history interactively (what Ctrl-R opens) and print the chosen line; --json lists the ranked matches')
    .option('--mode <mode>', 'global, host, session, directory or repository', 'global')
    .option('--limit <n>', 'with --json: at most this many matches', '20');
export type PickerOpts = OptsOf<typeof picker>;

const importHistory = (p: Program) =>
  p
    .command('import-history [file]')
    .description('import a zsh, bash or fish history, or an atuin database (default: $HISTFILE, ~/.zsh_history, ~/.bash_history, fish_history); idempotent')
    .option('--shell <shell>', 'zsh, bash, fish, atuin or auto', 'auto');
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

export function registerShell(program: Program): void {
  init(program).action(act(() => import('../../commands/init.js')));
  history(program).action(act(() => import('../../commands/history.js')));
  picker(program).action(act(() => import('../../commands/picker.js')));
  importHistory(program).action(act(() => import('../../commands/import-history.js')));
  prune(program).action(act(() => import('../../commands/prune.js')));
  ingest(program).action(act(() => import('../../commands/ingest.js')));
}
