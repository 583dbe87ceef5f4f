// The issue a `fix similar` / `fix context` call is about, from flags or --from-json.
import type { Cli } from '../cli/act.js';
import type { IssueOpts } from '../cli/register/fixes.js';
import { UsageError } from '../errors.js';
import type { IssueQuery } from '../fixes/api.js';
import { parseJsonInput } from '../util/json.js';
import { intOption, readInput } from '../util/io.js';

export async function issueFromOptions(mem: Cli['mem'], opts: IssueOpts): Promise<IssueQuery> {
  if (opts.fromJson !== undefined) {
    if (opts.model !== undefined || opts.issueType !== undefined) throw new UsageError('--from-json cannot be combined with issue flags');
    const { bulk, items } = parseJsonInput(await readInput(opts.fromJson));
    if (bulk || !items[0]) throw new UsageError('--from-json expects a single JSON object here');
    return mem.fixes.issueFrom(items[0].value);
  }
  return { model: opts.model, issue_type: opts.issueType, test_prompt: opts.testPrompt ?? '', actual_response: opts.actualResponse ?? '' };
}

export const limitOption = (opts: { limit: string }) => intOption(opts.limit, '--limit', 1, 1000);
