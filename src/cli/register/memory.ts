// Semantic memory: memories, search, embedding, task context, the knowledge base, episodes and
// learned patterns.
import { hiddenFlag, outcomeOption } from '../outcome.js';
import { Option } from '@commander-js/extra-typings';
import { act, pick } from '../act.js';
import type { Program } from '../program.js';
import { collect, type OptsOf, type Parent } from './types.js';

const SCOPE = ['--scope <scope>', 'project namespace (default: $MEM_SCOPE, else the git root of the cwd, else default)'] as const;
const withScope = (c: Parent) => c.option(...SCOPE);
export type ScopeOpts = OptsOf<typeof withScope>;

const add = (p: Program) =>
  p
    .command('add [text]')
    .description("remember something (TEXT, or '-' / piped stdin); returns at once, embedding happens in the background")
    .option(...SCOPE)
    .option('--kind <kind>', 'note, meeting_note, task, insight, decision, solution, error, code_pattern, experience, contact, file, custom', 'note')
    .option('--title <title>', 'a short title')
    .option('--tags <a,b>', 'comma-separated tags')
    .option('--meta <key=value>', 'metadata (repeatable)', collect)
    .option('--source <source>', 'manual, chat, file, integration, ai_extracted, shell, fix')
    .option('--source-id <id>', 'id of the item in its source')
    .addOption(outcomeOption('what the task or experience came to'))
    .addOption(hiddenFlag('--success'))
    .addOption(hiddenFlag('--failure'))
    .option('--task-id <id>', 'the task this belongs to')
    .option('--language <lang>', 'programming or natural language')
    .option('--bulk <file>', 'add many from JSON Lines (one memory object per line, up to 10,000)');
export type AddOpts = OptsOf<typeof add>;

const list = (p: Program) =>
  p
    .command('list')
    .description('memories, newest first, with filters and pagination')
    .option(...SCOPE)
    .option('--kind <kind>', 'only this kind')
    .option('--tag <tag>', 'only with this tag')
    .option('--source <source>', 'only from this source')
    .option('--all-scopes', 'every scope, not just the current one')
    .addOption(new Option('--status <status>', 'embedding status').choices(['pending', 'processing', 'completed', 'failed']))
    .option('--since <when>', 'created at or after (2h, 7d, yesterday, ISO 8601, epoch)')
    .addOption(new Option('--after <when>', 'same as --since').hideHelp())
    .option('--before <when>', 'created before (same forms as --since)')
    .option('--sort <field>', 'created, updated or accessed', 'created')
    .option('--asc', 'oldest first')
    .option('--page <n>', 'page number', '1')
    .option('--per-page <n>', 'memories per page (at most 100)', '20')
    .option('--cursor <cursor>', 'continue after a previous page (its meta.next_cursor)');
export type ListOpts = OptsOf<typeof list>;

const edit = (p: Program) =>
  p
    .command('edit <id>')
    .description('change only what is given; new content is embedded again')
    .option('--content <text>', "new content ('-' for stdin)")
    .option('--title <title>', 'new title')
    .option('--tags <a,b>', 'replace the tags')
    .option('--meta <key=value>', 'replace the metadata (repeatable)', collect);
export type EditOpts = OptsOf<typeof edit>;

const rm = (p: Program) => p.command('rm <id>').description('delete a memory (kept in the audit trail)').option('--purge', 'delete for good');
export type RmOpts = OptsOf<typeof rm>;

const searchOptions = <A extends unknown[]>(c: Parent<A>) =>
  c
    .option(...SCOPE)
    .option('--all-scopes', 'search every scope')
    .option('--kind <kind>', 'only this kind')
    .option('--tag <tag>', 'only with this tag')
    .option('-n, --limit <n>', 'how many results', '5')
    .addOption(new Option('--top-k <n>', 'same as --limit').hideHelp())
    .option('--threshold <x>', 'minimum cosine similarity for the semantic side (0..1)', '0.25')
    .addOption(outcomeOption('only memories of tasks or experiences that came to this'))
    .addOption(hiddenFlag('--success-only'));
export type SearchOpts = OptsOf<typeof searchOptions>;

const embed = (p: Program) =>
  p
    .command('embed')
    .description('embed pending memories now, with progress (normally a background worker does it)')
    .option('--status', 'count memories by embedding status')
    .option('--retry-failed', 'give failed memories another three attempts')
    .option('--reembed', 'embed everything again (after switching models)')
    .option('--worker', 'run quietly as the background worker');
export type EmbedOpts = OptsOf<typeof embed>;

const context = (p: Program) =>
  p
    .command('context <task>')
    .description('similar past tasks, matching patterns and recommendations for a task')
    .option(...SCOPE)
    .option('--all-scopes', 'look in every scope')
    .option('-n, --limit <n>', 'similar tasks to show', '3')
    .addOption(new Option('--top-k <n>', 'same as --limit').hideHelp());
export type ContextOpts = OptsOf<typeof context>;

const episodeStart = (e: Parent) => e.command('start <task>').description('start an episode; prints its id').option('--context <json>', 'JSON object: what the task starts from').option(...SCOPE);
export type EpisodeStartOpts = OptsOf<typeof episodeStart>;
const episodeEvent = (e: Parent) =>
  e
    .command('event <id>')
    .description('append an event to an open episode')
    .requiredOption('--type <type>', 'what happened: plan, tool_call, test, deploy, error...')
    .option('--role <role>', 'who did it: agent, user, tool...')
    .option('--data <json>', 'JSON object; an "error" key (or a type containing "error") marks an error');
export type EpisodeEventOpts = OptsOf<typeof episodeEvent>;
const episodeEnd = (e: Parent) =>
  e
    .command('end <id>')
    .description('end an episode; it is remembered as an experience memory')
    .addOption(outcomeOption('how the task ended (required)'))
    .addOption(hiddenFlag('--success'))
    .addOption(hiddenFlag('--failure'))
    .option('--metrics <json>', 'JSON object: duration, tokens, cost...');
export type EpisodeEndOpts = OptsOf<typeof episodeEnd>;
const episodeSimilar = (e: Parent) =>
  e
    .command('similar <description>')
    .description('past episodes like this task, with similarity and outcome')
    .option(...SCOPE)
    .option('--all-scopes', 'every scope')
    .addOption(outcomeOption('only episodes that ended so'))
    .addOption(hiddenFlag('--success-only'))
    .option('-n, --limit <n>', 'how many', '5')
    .addOption(new Option('--top-k <n>', 'same as --limit').hideHelp())
    .option('--threshold <x>', 'minimum cosine similarity for the semantic side (0..1)', '0.25');
export type EpisodeSimilarOpts = OptsOf<typeof episodeSimilar>;
const episodeFailures = (e: Parent) =>
  e
    .command('failures')
    .description('what failed episodes have in common: event types, errors, last steps')
    .option(...SCOPE)
    .option('--all-scopes', 'every scope')
    .option('-n, --limit <n>', 'rows per table', '10');
export type EpisodeFailuresOpts = OptsOf<typeof episodeFailures>;

const extract = (p: Parent) =>
  p
    .command('extract')
    .description('learn what separates successful from failed task memories whose title or content matches a regex')
    .requiredOption('--match <regex>', 'JavaScript regular expression, case-insensitive (guarded against catastrophic backtracking)')
    // Not requiredOption: under task-patterns, whose own --type filters the list, the parent parses
    // it (commander hands a subcommand only what its parent did not know); the command checks it.
    .option('--type <type>', 'success, failure or optimization (required)')
    .option('--min-samples <n>', 'fewest matching tasks with a known outcome', '3')
    .option(...SCOPE);
export type PatternsExtractOpts = OptsOf<typeof extract>;
const listed = (p: Parent) =>
  p
    .option('--type <type>', 'only success, failure or optimization')
    .option('--scope <scope>', 'only this scope (default: every scope)')
    .option('-n, --limit <n>', 'at most this many', '20');
export type PatternsLearnedOpts = OptsOf<typeof listed>;
const feedback = (p: Parent) =>
  p
    .command('feedback <id>')
    .description('say whether a learned pattern helped: moves its confidence (0..1) and counts the verdict')
    .option('--helpful', 'it helped: raise confidence')
    .option('--not-helpful', 'it did not: lower confidence')
    .option('--adjust <x>', 'how far to move confidence', '0.1');
export type PatternsFeedbackOpts = OptsOf<typeof feedback>;

/**
 * The verbs over learned task patterns, under `mem task-patterns` (and, hidden, under the old
 * `mem patterns`). `learned` lists them; under task-patterns it is a hidden alias of the bare command.
 */
export function registerTaskPatternVerbs(parent: Parent, learnedVisible: boolean): void {
  const lp = () => import('../../commands/learned-patterns.js');
  extract(parent).action(act(pick(lp, 'extract')));
  // Under task-patterns the list flags are the parent's (it parses them wherever they stand).
  const learned = parent.command('learned', { hidden: !learnedVisible }).description('learned patterns, most confident first');
  (learnedVisible ? listed(learned) : (learned as unknown as ReturnType<typeof listed>)).action(act(pick(lp, 'learned')));
  feedback(parent).action(act(pick(lp, 'feedback')));
}

function registerTaskPatterns(program: Program): void {
  const tp = listed(
    program
      .command('task-patterns')
      .description('learned patterns over task memories, most confident first (extract learns one, feedback rates one)')
  );
  tp.action(act(pick(() => import('../../commands/learned-patterns.js'), 'learned')));
  registerTaskPatternVerbs(tp, false);
}

export function registerMemory(program: Program): void {
  const manage = () => import('../../commands/memory-manage.js');
  add(program).action(act(() => import('../../commands/memory-add.js')));
  list(program).action(act(pick(manage, 'list')));
  program.command('show <id>').description('one memory, in full (an id prefix of 6+ characters is enough)').action(act(pick(manage, 'show')));
  edit(program).action(act(pick(manage, 'edit')));
  rm(program).action(act(pick(manage, 'rm')));
  program.command('log <id>').description("a memory's audit trail").action(act(pick(manage, 'log')));

  const search = () => import('../../commands/search.js');
  searchOptions(program.command('search <query>').description('find memories by meaning and keywords together'))
    .addOption(new Option('--mode <mode>', 'how to match').choices(['hybrid', 'semantic', 'keyword']).default('hybrid'))
    .action(act(pick(search, 'run')));
  searchOptions(program.command('recall-error <message>').description('past errors like this one, and how they were resolved')).action(act(pick(search, 'recallError')));
  embed(program).action(act(() => import('../../commands/embed.js')));
  context(program).action(act(() => import('../../commands/context.js')));
  withScope(program.command('kb').description('the built-in knowledge base').command('seed').description('load design patterns, best practices and common error resolutions (idempotent)')).action(
    act(pick(() => import('../../commands/kb.js'), 'seed')),
  );

  const episode = program.command('episode').description('record a task as a sequence of events, and learn from past episodes');
  const ep = () => import('../../commands/episode.js');
  episodeStart(episode).action(act(pick(ep, 'start')));
  episodeEvent(episode).action(act(pick(ep, 'event')));
  episodeEnd(episode).action(act(pick(ep, 'end')));
  episode.command('show <id>').description('an episode with its events in order').action(act(pick(ep, 'show')));
  episodeSimilar(episode).action(act(pick(ep, 'similar')));
  episodeFailures(episode).action(act(pick(ep, 'failures')));
  registerTaskPatterns(program);
}
