// Shell memory over MCP: the commands the hooks captured, the next command, and the overview.
import { z } from 'zod';
import { InputError } from '../../errors.js';
import type { HistoryRow } from '../../shell/api.js';
import { parseSince } from '../../util/time.js';
import { ANSWER_BYTES, fitItems, jsonBytes, shrink } from '../budget.js';
import { answer, cursorArg, loose, required } from '../schemas.js';
import { tool, type Tool } from '../tool.js';

/** One command line can be long (a pasted script): lists show its first part. */
const COMMAND_CHARS = 2000;

const command = z.object({
  id: z.number().int(),
  command: z.string(),
  command_truncated: z.boolean().optional().describe(`the line was longer than ${COMMAND_CHARS} characters`),
  cwd: z.string().nullable(),
  git_root: z.string().nullable(),
  exit_code: z.number().int().nullable(),
  timestamp: z.string(),
  duration_ms: z.number().nullable(),
  session: z.string().nullable(),
  shell: z.string().nullable(),
  source: z.string(),
  author: z.string().nullable().describe('who ran it: the user, or an agent such as claude-code'),
  author_kind: z.enum(['human', 'agent']),
  intent: z.string().nullable().describe("an agent's description of the call"),
});

const row = (r: HistoryRow): z.input<typeof command> => ({
  id: r.id,
  command: r.command.length > COMMAND_CHARS ? `${r.command.slice(0, COMMAND_CHARS - 1)}…` : r.command,
  ...(r.command.length > COMMAND_CHARS ? { command_truncated: true } : {}),
  cwd: r.cwd,
  git_root: r.git_root,
  exit_code: r.exit_code,
  timestamp: r.timestamp,
  duration_ms: r.duration_ms,
  session: r.session,
  shell: r.shell,
  source: r.source,
  author: r.author,
  author_kind: r.author_kind,
  intent: r.intent,
});

function since(text: string, now: number): number {
  try {
    return parseSince(text, now);
  } catch {
    throw new InputError(`must be an ISO 8601 time or an age such as 2h or 7d, got '${text}'`, undefined, 'since');
  }
}

const historySearch = tool({
  name: 'history_search',
  title: 'Search shell history',
  description:
    "Commands run in the user's shells (captured by mem's shell hooks, or imported) and by agents (mem hook install), newest first: by text, failed only, directory, session, time, author. E.g. how a project is usually built, or when a command last failed.",
  effect: 'read',
  input: z.strictObject({
    query: required(1000).optional().describe('text the command line contains (any case)'),
    failed: z.boolean().optional().describe('only commands that exited non-zero'),
    directory: required(4096).optional().describe("only commands run in this directory (relative to the server's)"),
    session: required(200).optional(),
    since: required(40).optional().describe('ISO time, or an age such as 2h, 7d'),
    author: required(100).optional().describe("who ran them: a user's name, or an agent's (claude-code, codex, cursor)"),
    author_kind: z.enum(['human', 'agent']).optional().describe("only the user's commands (human) or only agents' (agent)"),
    limit: z.number().int().min(1).max(200).optional().describe('commands per page (default 20)'),
    cursor: cursorArg,
  }),
  output: answer({
    commands: z.array(command),
    next_cursor: z.string().nullable(),
    notice: z.string().nullable(),
  }),
  run(a, { mem }) {
    const page = mem.history.search({
      query: a.query,
      failed: a.failed,
      cwd: a.directory,
      session: a.session,
      since: a.since === undefined ? undefined : since(a.since, mem.world.now()),
      author: a.author,
      authorKind: a.author_kind,
      limit: a.limit,
      cursor: a.cursor,
    });
    const rows = page.commands.map(row);
    const fit = fitItems(rows, ANSWER_BYTES - jsonBytes({ ...page, commands: [] }) - 200, true);
    if (!fit.cut) return { ...page, commands: rows };
    const last = page.commands[fit.items.length - 1]!;
    return { commands: fit.items, next_cursor: mem.history.cursorAfter(last), notice: page.notice, truncated: true };
  },
});

const predictNext = tool({
  name: 'predict_next',
  title: 'Predict the next command',
  description:
    "The commands likely to come next, with confidence (0..1) and the evidence, from the user's history: after the given commands, else after the last commands of the shell session.",
  effect: 'read',
  input: z.strictObject({
    context: z.array(required(10_000)).max(20).optional().describe('the commands just run, oldest first'),
    directory: required(4096).optional().describe("the directory to predict for (default: the server's)"),
    session: required(200).optional().describe('the shell session whose last commands are the context'),
    author: required(100)
      .optional()
      .describe("predict from this author's own commands only, e.g. claude-code for what you ran through mem's agent hook (agents' commands are kept out of the user's predictions)"),
    top_k: z.number().int().min(1).max(20).optional().describe('default 3'),
  }),
  output: answer({
    predictions: z.array(z.object({ next_command: z.string(), template: z.string(), confidence: z.number(), reason: z.string(), auto_suggestions: z.array(z.string()) })),
    context: z.array(z.string()),
    learning_backlog: z.number().int().describe('commands not learned yet (a background learner is working through an import)'),
  }),
  run: (a, { mem }) => shrink({ ...mem.predict.next({ context: a.context, cwd: a.directory, session: a.session, author: a.author, topK: a.top_k }) }),
});

const stats = tool({
  name: 'stats',
  title: 'What mem remembers',
  description: 'Totals and breakdowns: fix attempts by fixer and issue type, the shell history (top commands, failure rate) and recurring workflows.',
  effect: 'read',
  input: z.strictObject({}),
  output: answer({
    fixes: loose({ total_fixes_attempted: z.number(), successful_fixes: z.number() }),
    by_fixer_type: z.array(loose({ fixer_type: z.string(), attempts: z.number() })),
    by_issue_type: z.array(loose({ issue_type: z.string(), occurrences: z.number() })),
    daily_trend: z.array(loose({ day: z.string() })),
    shell: loose({ total_commands: z.number(), unique_commands: z.number() }),
    workflows: z.array(loose({ steps: z.array(z.string()), occurrences: z.number() })),
  }),
  run: (_a, { mem }) => shrink({ ...mem.stats() }),
});

export const shellTools: Tool[] = [historySearch, predictNext, stats];
