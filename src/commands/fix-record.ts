import type { Cli } from '../cli/act.js';
import { outcomeOf } from '../cli/outcome.js';
import { InputError, UsageError } from '../errors.js';
import type { FixRecordOpts } from '../cli/register/fixes.js';
import { readInput, jsonOption } from '../util/io.js';

const FIELD_FLAGS = {
  model: 'model', issue_type: 'issueType', description: 'description', test_prompt: 'testPrompt',
  actual_response: 'actualResponse', fixer_type: 'fixerType', analysis: 'analysis', confidence: 'confidence',
  execution_time: 'executionTime', notes: 'notes', timestamp: 'timestamp',
} as const satisfies Record<string, keyof FixRecordOpts>;

export async function run({ mem, term }: Cli, opts: FixRecordOpts): Promise<void> {
  if (opts.fromJson !== undefined) return recordJson({ mem, term }, opts.fromJson, opts);
  const r = recordFlags(mem, opts);
  if (term.json) term.outJson(r);
  else term.out(`recorded fix attempt #${r.id} (issue signature ${r.issue_signature})`);
}

function recordFlags(mem: Cli['mem'], opts: FixRecordOpts) {
  const outcome = outcomeOf(opts);
  if (opts.verified && opts.notVerified) throw new UsageError('--verified and --not-verified contradict each other');
  if (opts.model === undefined) throw new UsageError('--model is required (or use --from-json)');
  if (opts.issueType === undefined) throw new UsageError('--issue-type is required (or use --from-json)');
  if (!outcome) throw new UsageError('say whether the fix worked: --outcome success or --outcome failure');
  const flat: Record<string, unknown> = {};
  for (const [field, flag] of Object.entries(FIELD_FLAGS)) if (opts[flag] !== undefined) flat[field] = opts[flag];
  flat.fix_commands = opts.fixCommand ?? [];
  flat.fix_success = outcome === 'success';
  if (opts.verified || opts.notVerified) flat.verification_success = Boolean(opts.verified);
  if (opts.systemInfo !== undefined) flat.system_info = jsonOption(opts.systemInfo, '--system-info');
  try {
    return mem.fixes.record(flat);
  } catch (err) {
    // Name the flag, not the JSON field, when the input came from flags.
    if (err instanceof InputError && err.field) throw new UsageError(`--${err.field.replace(/_/g, '-')} ${err.message.replace(/^field '[^']+': /, '')}`);
    throw err;
  }
}

async function recordJson({ mem, term }: Cli, file: string, opts: FixRecordOpts): Promise<void> {
  const stray = Object.values(FIELD_FLAGS).filter((f) => f !== 'fixerType' && opts[f] !== undefined);
  if (stray.length) throw new UsageError('--from-json cannot be combined with attempt flags');
  const report = mem.fixes.recordJson(await readInput(file));
  if (!report.bulk) {
    const r = report.results[0]!;
    if (term.json) term.outJson({ id: r.id, issue_signature: r.issue_signature, created: r.created });
    else term.out(`recorded fix attempt #${r.id} (issue signature ${r.issue_signature})`);
    return;
  }
  const lines = [...report.results, ...report.errors].sort((a, b) => a.line - b.line);
  const summary = { recorded: report.results.length, failed: report.errors.length, total: report.total };
  if (term.json) {
    for (const l of lines) term.out(JSON.stringify(l));
    term.out(JSON.stringify({ summary }));
  } else {
    const { makeStyle } = await import('../render/style.js');
    const s = makeStyle(term.color);
    for (const e of report.errors) term.err(`mem: ${e.error}`);
    term.out(`${s.green(`recorded ${summary.recorded}`)} of ${summary.total} attempts${report.errors.length ? `; ${s.red(`${report.errors.length} invalid`)}` : ''}`);
  }
  if (report.errors.length) process.exitCode = 2;
}
