// Fix attempts over MCP: what worked before for an issue, and recording an attempt. The fixer is
// the client (`claude-code`, `cursor`...) unless the call names another.
import { z } from 'zod';
import type { FixAttempt, IssueQuery } from '../../fixes/api.js';
import { fitItems, shrink } from '../budget.js';
import { answer, fixIssueArgs, loose, required, text } from '../schemas.js';
import { tool, type Tool } from '../tool.js';

const issueArgs = { ...fixIssueArgs, issue_type: required(200).describe(fixIssueArgs.issue_type.description ?? '') };
const issueOf = (a: IssueQuery): IssueQuery => ({ model: a.model, issue_type: a.issue_type, test_prompt: a.test_prompt, actual_response: a.actual_response, description: a.description });
const resolvedIssue = z.object({ model: z.string().nullable(), model_family: z.string().nullable(), issue_type: z.string(), issue_signature: z.string().nullable() });

const fixContext = tool({
  name: 'fix_context',
  title: 'Fix history for an issue',
  description:
    "Before fixing a model's issue: the model's record, this issue's pattern and best known fix, success rates, what worked and what failed before (avoid repeating it), and the strategies that work for this issue type.",
  effect: 'read',
  input: z.strictObject({ ...issueArgs, limit: z.number().int().min(1).max(20).optional().describe('attempts per list (default 5)') }),
  output: answer({
    issue: resolvedIssue,
    model_history: loose({ model: z.string(), total_tests: z.number(), success_rate: z.number() }).nullable(),
    pattern: loose({ name: z.string(), issue_signature: z.string(), attempts: z.number() }).nullable(),
    success_rates: z.object({ this_issue: z.number().nullable(), this_model: z.number().nullable(), issue_type_all_models: z.number().nullable() }),
    what_worked: z.array(loose({ fix_commands: z.array(z.string()), analysis: z.string() })),
    what_failed: z.array(loose({ fix_commands: z.array(z.string()), analysis: z.string() })),
    strategies: z.array(loose({ fix_commands: z.array(z.string()), successes: z.number(), failures: z.number() })),
    similar_counts: z.object({ exact_matches: z.number(), model_matches: z.number(), type_matches: z.number() }),
  }),
  run: (a, { mem }) => shrink({ ...mem.fixes.context(issueOf(a), { limit: a.limit }) }),
});

/** An attempt as a list shows it: the outcome and the fix, the analysis cut to a snippet. */
export const attemptSummary = z.object({
  id: z.number().int(),
  uid: z.string(),
  timestamp: z.string(),
  model: z.string(),
  issue_type: z.string(),
  issue_signature: z.string(),
  fixer_type: z.string(),
  fix_success: z.boolean(),
  verification_success: z.boolean().nullable(),
  execution_time: z.number().nullable(),
  fix_commands: z.array(z.string()),
  analysis: z.string(),
});

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
export const summary = (a: FixAttempt): z.input<typeof attemptSummary> => ({
  id: a.id,
  uid: a.uid,
  timestamp: a.timestamp,
  model: a.model,
  issue_type: a.issue_type,
  issue_signature: a.issue_signature,
  fixer_type: a.fixer_type,
  fix_success: a.fix_success,
  verification_success: a.verification_success,
  execution_time: a.execution_time,
  fix_commands: a.fix_commands.slice(0, 20).map((c) => cut(c, 500)),
  analysis: cut(a.analysis, 300),
});

const fixSimilar = tool({
  name: 'fix_similar',
  title: 'Similar fix attempts',
  description:
    'Past fix attempts like this issue, successful first, in three disjoint lists: exact_matches (same signature), model_matches (same model and issue type, other prompts), type_matches (same issue type on other models).',
  effect: 'read',
  input: z.strictObject({ ...issueArgs, limit: z.number().int().min(1).max(50).optional().describe('attempts per list (default 5)') }),
  output: answer({
    issue: resolvedIssue,
    exact_matches: z.array(attemptSummary),
    model_matches: z.array(attemptSummary),
    type_matches: z.array(attemptSummary),
  }),
  run(a, { mem }) {
    const r = mem.fixes.similar(issueOf(a), { limit: a.limit ?? 5 });
    // Each list gets a third of the room, so a long first list cannot crowd out the others.
    const third = (list: FixAttempt[]) => fitItems(list.map(summary), 10_000, true);
    const [e, m, t] = [third(r.exact_matches), third(r.model_matches), third(r.type_matches)];
    return shrink({ issue: r.issue, exact_matches: e.items, model_matches: m.items, type_matches: t.items, ...(e.cut || m.cut || t.cut ? { truncated: true } : {}) });
  },
});

const fixRecord = tool({
  name: 'fix_record',
  title: 'Record a fix attempt',
  description:
    "Record one attempt at fixing a model's issue, whether it worked or not. Idempotent by uid: recording the same uid again stores nothing new (safe to retry). Updates the issue's pattern, the model's record and the stats.",
  effect: 'idempotent',
  input: z.strictObject({
    uid: z
      .string()
      .regex(/^[\w.:-]{1,200}$/, 'must be 1 to 200 letters, digits, dots, colons, dashes or underscores')
      .describe('your id for this attempt, unique to it (e.g. claude-code:2026-11-29T10:15:00Z:1): a retry with the same uid is not recorded twice'),
    model: required(200),
    issue_type: required(200).describe(fixIssueArgs.issue_type.description ?? ''),
    fix_success: z.boolean(),
    verification_success: z.boolean().optional(),
    description: fixIssueArgs.description,
    test_prompt: fixIssueArgs.test_prompt,
    actual_response: fixIssueArgs.actual_response,
    analysis: text(50_000).optional(),
    fix_commands: z.array(text(10_000)).max(1000).optional(),
    confidence: z.number().min(0).max(1).optional(),
    execution_time: z.number().min(0).max(1e9).optional().describe('seconds'),
    fixer_type: required(200).optional().describe("who fixed it (default: this client's name)"),
    notes: text(50_000).optional(),
    system_info: z.record(z.string(), z.unknown()).optional(),
    timestamp: required(40).optional().describe('when (ISO 8601; default now)'),
  }),
  output: answer({ id: z.number().int(), uid: z.string(), issue_signature: z.string(), created: z.boolean().describe('false when this uid was recorded before') }),
  run(a, { mem, client }) {
    const r = mem.fixes.record({ ...a, fixer_type: a.fixer_type ?? client ?? 'mcp' });
    return { id: r.id, uid: a.uid, issue_signature: r.issue_signature, created: r.created };
  },
});

export const fixTools: Tool[] = [fixContext, fixSimilar, fixRecord];
