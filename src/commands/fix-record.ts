import type { Ctx } from '../context.js';
import { InputError, UsageError } from '../errors.js';
import { attemptFromJson, type FixAttemptInput } from '../fixes/input.js';
import { parseJsonInput } from '../util/json.js';
import { FixStore } from '../fixes/store.js';
import { makeStyle } from '../render/style.js';
import { readInput, jsonOption } from '../util/io.js';

const FIELD_FLAGS: Record<string, string> = {
  model: 'model', issue_type: 'issueType', description: 'description', test_prompt: 'testPrompt',
  actual_response: 'actualResponse', fixer_type: 'fixerType', analysis: 'analysis', confidence: 'confidence',
  execution_time: 'executionTime', notes: 'notes', timestamp: 'timestamp',
};

export function run(ctx: Ctx, opts: Record<string, unknown>): void {
  if (opts.fromJson !== undefined) return recordJson(ctx, String(opts.fromJson), opts);
  const store = new FixStore(ctx.db());
  const [result] = store.record([fromFlags(opts)], ctx.now());
  if (ctx.json) ctx.outJson(result);
  else ctx.out(`recorded fix attempt #${result!.id} (issue signature ${result!.issue_signature})`);
}

function fromFlags(opts: Record<string, unknown>): FixAttemptInput {
  if (opts.success && opts.failure) throw new UsageError('--success and --failure contradict each other');
  if (opts.verified && opts.notVerified) throw new UsageError('--verified and --not-verified contradict each other');
  for (const f of ['model', 'issueType'] as const) if (opts[f] === undefined) throw new UsageError(`--${f === 'model' ? 'model' : 'issue-type'} is required (or use --from-json)`);
  if (!opts.success && !opts.failure) throw new UsageError('say whether the fix worked: --success or --failure');
  const flat: Record<string, unknown> = {};
  for (const [field, flag] of Object.entries(FIELD_FLAGS)) if (opts[flag] !== undefined) flat[field] = opts[flag];
  if (flat.fixer_type === undefined) flat.fixer_type = 'human';
  flat.fix_commands = opts.fixCommand ?? [];
  flat.fix_success = Boolean(opts.success);
  if (opts.verified || opts.notVerified) flat.verification_success = Boolean(opts.verified);
  if (opts.systemInfo !== undefined) flat.system_info = jsonOption(opts.systemInfo, '--system-info');
  try {
    return attemptFromJson(flat);
  } catch (err) {
    // Name the flag, not the JSON field, when the input came from flags.
    if (err instanceof InputError && err.field) throw new UsageError(`--${err.field.replace(/_/g, '-')} ${err.message.replace(/^field '[^']+': /, '')}`);
    throw err;
  }
}

function recordJson(ctx: Ctx, file: string, opts: Record<string, unknown>): void {
  const stray = Object.values(FIELD_FLAGS).filter((f) => f !== 'fixerType' && opts[f] !== undefined);
  if (stray.length) throw new UsageError('--from-json cannot be combined with attempt flags');
  const { bulk, items } = parseJsonInput(readInput(file));
  const good: { line: number; input: FixAttemptInput }[] = [];
  const errors: { line: number; error: string }[] = [];
  for (const it of items) {
    try {
      if (it.error) throw new InputError(it.error, it.line);
      good.push({ line: it.line, input: attemptFromJson(it.value, bulk ? it.line : undefined) });
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      if (!bulk) throw err;
      errors.push({ line: it.line, error: err.message });
    }
  }
  // Valid lines are stored together, in one transaction; invalid ones are reported by line.
  const results = good.length ? new FixStore(ctx.db()).record(good.map((g) => g.input), ctx.now()) : [];
  if (!bulk) {
    const r = results[0]!;
    if (ctx.json) ctx.outJson(r);
    else ctx.out(`recorded fix attempt #${r.id} (issue signature ${r.issue_signature})`);
    return;
  }
  const lines = [
    ...good.map((g, i) => ({ line: g.line, ...results[i]! })),
    ...errors,
  ].sort((a, b) => a.line - b.line);
  const summary = { recorded: results.length, failed: errors.length, total: items.length };
  if (ctx.json) {
    for (const l of lines) ctx.out(JSON.stringify(l));
    ctx.out(JSON.stringify({ summary }));
  } else {
    const s = makeStyle(ctx.color);
    for (const e of errors) ctx.err(`mem: ${e.error}`);
    ctx.out(`${s.green(`recorded ${summary.recorded}`)} of ${summary.total} attempts${errors.length ? `; ${s.red(`${errors.length} invalid`)}` : ''}`);
  }
  if (errors.length) process.exitCode = 2;
}
