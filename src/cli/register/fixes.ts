// Fix memory: record attempts and consult what worked before.
import { hiddenFlag, outcomeOption } from '../outcome.js';
import { act } from '../act.js';
import type { Program } from '../program.js';
import { registerTaskPatternVerbs } from './memory.js';
import { collect, type OptsOf, type Parent } from './types.js';


const record = (fix: Parent) =>
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
    .option('--fix-command <cmd>', 'a command the fix ran (repeat for several)', collect)
    .addOption(outcomeOption('whether the fix worked (required unless --from-json)'))
    .addOption(hiddenFlag('--success'))
    .addOption(hiddenFlag('--failure'))
    .option('--verified', 'verification passed')
    .option('--not-verified', 'verification failed')
    .option('--execution-time <seconds>', 'how long the fix took')
    .option('--system-info <json>', 'JSON object: os, ram, gpu, versions...')
    .option('--notes <text>', 'free-form notes')
    .option('--timestamp <when>', 'when it happened (ISO 8601 or epoch seconds; default now)');
export type FixRecordOpts = OptsOf<typeof record>;

const issueQuery = (c: Parent) =>
  c
    .option('--model <name>', 'model name, e.g. llama3:8b')
    .option('--issue-type <type>', 'MODEL_NOT_AVAILABLE, TIMEOUT, UNEXPECTED_RESPONSE, NO_OUTPUT, ERROR, CUSTOM or your own')
    .option('--test-prompt <text>', 'the prompt that showed the issue')
    .option('--actual-response <text>', 'what the model answered')
    .option('--description <text>', 'what went wrong')
    .option('--from-json <file>', "read the issue from a JSON file ('-' for stdin)");
const similar = (fix: Parent) => issueQuery(fix.command('similar').description('past attempts at the same or similar issues')).option('-n, --limit <n>', 'at most this many per list', '10');
const context = (fix: Parent) => issueQuery(fix.command('context').description('the history block an AI fixer pastes into its prompt')).option('-n, --limit <n>', 'at most this many entries per section', '5');
export type IssueOpts = OptsOf<typeof similar>;

const last = (fix: Parent) =>
  fix
    .command('last')
    .description('the last failed command of this shell session, and what you ran next that worked when it failed before')
    .option('--session <id>', 'the shell session (default: $MEM_SESSION, else the latest)')
    .option('--id <n>', 'this failed command instead (an id from mem history --json)')
    .option('-n, --limit <n>', 'at most this many suggestions', '3');
export type FixLastOpts = OptsOf<typeof last>;

const model = (p: Program) =>
  p
    .command('model <name>')
    .description("a model's insights and recent history")
    .option('-n, --limit <n>', 'recent attempts to show', '10')
    .option('--set-notes <text>', 'store notes about this model');
export type ModelOpts = OptsOf<typeof model>;

const recent = (p: Program) => p.command('recent [days]').description('recent fix attempts (default: the last 7 days)').option('-n, --limit <n>', 'at most this many', '50');
export type RecentOpts = OptsOf<typeof recent>;

const successful = (p: Program) =>
  p
    .command('successful')
    .description('the most effective fix strategies by issue type')
    .option('--issue-type <type>', 'only this issue type')
    .option('-n, --limit <n>', 'strategies per issue type', '3');
export type SuccessfulOpts = OptsOf<typeof successful>;

export function registerFixes(program: Program): void {
  const fix = program.command('fix').description('record fix attempts and consult what worked before');
  record(fix).action(act(() => import('../../commands/fix-record.js')));
  similar(fix).action(act(() => import('../../commands/fix-similar.js')));
  context(fix).action(act(() => import('../../commands/fix-context.js')));
  last(fix).action(act(() => import('../../commands/fix-last.js')));
  model(program).action(act(() => import('../../commands/model.js')));
  recent(program).action(act(() => import('../../commands/recent.js')));
  successful(program).action(act(() => import('../../commands/successful.js')));
  registerPatterns(program, fix);
}

const fixPatterns = (c: Parent) =>
  c
    .option('--issue-type <type>', 'only this issue type')
    .option('--min-attempts <n>', 'only patterns seen at least this often', '1')
    .option('-n, --limit <n>', 'at most this many', '20');
export type FixPatternsOpts = OptsOf<typeof fixPatterns>;

/**
 * `mem fix patterns` lists the recurring fix issues. The old spelling, `mem patterns` (and its
 * subcommands over learned task patterns, now `mem task-patterns`), stays as a hidden alias.
 */
function registerPatterns(program: Program, fix: Parent): void {
  const run = act(() => import('../../commands/patterns.js'));
  fixPatterns(fix.command('patterns').description('recurring issues, their success rates and confidence')).action(run);
  const old = fixPatterns(program.command('patterns', { hidden: true }).description('same as mem fix patterns (subcommands: same as mem task-patterns)'));
  old.action(run);
  registerTaskPatternVerbs(old, true);
}
