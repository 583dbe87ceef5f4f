// The issue a `fix similar` / `fix context` call is about, from flags or --from-json.
import { UsageError } from '../errors.js';
import { resolveIssue, type ResolvedIssue } from '../fixes/context.js';
import { issueFromJson } from '../fixes/input.js';
import { parseJsonInput } from '../util/json.js';
import { intOption, readInput } from '../util/io.js';

export function issueFromOptions(opts: Record<string, unknown>): ResolvedIssue {
  if (opts.fromJson !== undefined) {
    if (opts.model !== undefined || opts.issueType !== undefined) throw new UsageError('--from-json cannot be combined with issue flags');
    const { bulk, items } = parseJsonInput(readInput(String(opts.fromJson)));
    if (bulk || !items[0]) throw new UsageError('--from-json expects a single JSON object here');
    return resolveIssue(issueFromJson(items[0].value));
  }
  return resolveIssue({
    model: opts.model as string | undefined,
    issue_type: opts.issueType as string | undefined,
    test_prompt: (opts.testPrompt as string | undefined) ?? '',
    actual_response: (opts.actualResponse as string | undefined) ?? '',
  });
}

export const limitOption = (opts: Record<string, unknown>) => intOption(opts.limit, '--limit', 1, 1000);
